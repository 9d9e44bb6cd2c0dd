package io.palisade.node.observe;

import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One verdict from the datapath's ring buffer ({@code struct pal_event}), as a flow log line. An
 * audit report ({@code "verdict":"audit"}) names the audit-mode policies that would have dropped
 * the flow in {@code policies}, once {@link #naming} found them.
 */
public record FlowEvent(
    Instant time,
    String source,
    String destination,
    long sourceIdentity,
    long destinationIdentity,
    int sourcePort,
    int destinationPort,
    int protocol,
    String direction,
    String verdict,
    String reason,
    int ifindex,
    List<String> policies) {

  public FlowEvent {
    policies = List.copyOf(policies);
  }

  /** Decodes an event; {@code monoToWallNanos} turns the kernel's monotonic clock into epoch. */
  public static FlowEvent decode(MemorySegment e, long monoToWallNanos) {
    int family = e.get(ValueLayout.JAVA_BYTE, off("family"));
    long ts = e.get(ValueLayout.JAVA_LONG, off("timestamp_ns")) + monoToWallNanos;
    int verdict = e.get(ValueLayout.JAVA_BYTE, off("verdict"));
    int reason = Byte.toUnsignedInt(e.get(ValueLayout.JAVA_BYTE, off("reason")));
    boolean audit = Reason.ofSlot(reason).map(Reason::isAudit).orElse(false);
    return new FlowEvent(
        Instant.ofEpochSecond(0, ts),
        address(e, off("saddr"), family),
        address(e, off("daddr"), family),
        Integer.toUnsignedLong(e.get(ValueLayout.JAVA_INT, off("src_identity"))),
        Integer.toUnsignedLong(e.get(ValueLayout.JAVA_INT, off("dst_identity"))),
        Short.toUnsignedInt(e.get(Layouts.BE16, off("sport"))),
        Short.toUnsignedInt(e.get(Layouts.BE16, off("dport"))),
        Byte.toUnsignedInt(e.get(ValueLayout.JAVA_BYTE, off("protocol"))),
        e.get(ValueLayout.JAVA_BYTE, off("direction")) == Layouts.DIR_EGRESS ? "egress" : "ingress",
        audit
            ? "audit"
            : switch (verdict) {
              case Layouts.VERDICT_ALLOW -> "allowed";
              case Layouts.VERDICT_REDIRECT -> "redirected";
              case Layouts.VERDICT_DENY -> "denied";
              default -> "dropped";
            },
        Reason.ofSlot(reason).map(Reason::label).orElse("reason_" + reason),
        e.get(ValueLayout.JAVA_INT, off("ifindex")),
        List.of());
  }

  /** Whether the flow passed under an audit report: audit-mode policies would have dropped it. */
  public boolean isAudit() {
    return verdict.equals("audit");
  }

  /**
   * This event with the audit-mode policies it reports named, from the policies the datapath holds:
   * those of the local endpoint's identity in the event's direction (for a deny, those with deny
   * rules). Other events are returned as they are.
   */
  public FlowEvent naming(Map<Long, IdentityPolicy> policies) {
    if (!isAudit()) {
      return this;
    }
    Direction d = direction.equals("egress") ? Direction.EGRESS : Direction.INGRESS;
    long subject = d == Direction.EGRESS ? sourceIdentity : destinationIdentity;
    List<String> named =
        Optional.ofNullable(policies.get(subject))
            .flatMap(IdentityPolicy::audit)
            .map(a -> a.named(d, reason.equals(Reason.AUDIT_POLICY_DENY.label())))
            .orElse(List.of());
    return new FlowEvent(
        time,
        source,
        destination,
        sourceIdentity,
        destinationIdentity,
        sourcePort,
        destinationPort,
        protocol,
        direction,
        verdict,
        reason,
        ifindex,
        named);
  }

  private static long off(String field) {
    return Layouts.offset(Layouts.EVENT, field);
  }

  private static String address(MemorySegment e, long offset, int family) {
    byte[] a = new byte[family == Layouts.FAMILY_IPV4 ? 4 : 16];
    MemorySegment.copy(e, ValueLayout.JAVA_BYTE, offset, a, 0, a.length);
    try {
      return InetAddress.getByAddress(a).getHostAddress();
    } catch (UnknownHostException ex) {
      throw new IllegalStateException(ex);
    }
  }

  public boolean isDrop() {
    return !verdict.equals("allowed") && !verdict.equals("redirected") && !isAudit();
  }

  /** The JSON line of the flow log. */
  public String toJson() {
    String proto = Protocol.ofNumber(protocol).map(Enum::name).orElse(Integer.toString(protocol));
    return "{\"time\":\""
        + time
        + "\",\"source\":\""
        + source
        + "\",\"destination\":\""
        + destination
        + "\",\"source_identity\":"
        + sourceIdentity
        + ",\"destination_identity\":"
        + destinationIdentity
        + ",\"source_port\":"
        + sourcePort
        + ",\"destination_port\":"
        + destinationPort
        + ",\"protocol\":\""
        + proto
        + "\",\"direction\":\""
        + direction
        + "\",\"verdict\":\""
        + verdict
        + "\",\"reason\":\""
        + reason
        + "\",\"ifindex\":"
        + ifindex
        + policiesJson()
        + "}";
  }

  /**
   * {@code ,"policies":[...]} on an audit report; nothing on other lines, which stay as they were.
   */
  private String policiesJson() {
    if (policies.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(",\"policies\":[");
    for (int i = 0; i < policies.size(); i++) {
      sb.append(i == 0 ? "\"" : ",\"").append(jsonEscaped(policies.get(i))).append('"');
    }
    return sb.append(']').toString();
  }

  /** Policy names are Kubernetes names, but a quote or backslash must never break the line. */
  private static String jsonEscaped(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
