package io.palisade.node.observe;

import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import io.palisade.policy.Protocol;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

/** One verdict from the datapath's ring buffer ({@code struct pal_event}), as a flow log line. */
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
    int ifindex) {

  /** Decodes an event; {@code monoToWallNanos} turns the kernel's monotonic clock into epoch. */
  public static FlowEvent decode(MemorySegment e, long monoToWallNanos) {
    int family = e.get(ValueLayout.JAVA_BYTE, off("family"));
    long ts = e.get(ValueLayout.JAVA_LONG, off("timestamp_ns")) + monoToWallNanos;
    int verdict = e.get(ValueLayout.JAVA_BYTE, off("verdict"));
    int reason = Byte.toUnsignedInt(e.get(ValueLayout.JAVA_BYTE, off("reason")));
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
        switch (verdict) {
          case Layouts.VERDICT_ALLOW -> "allowed";
          case Layouts.VERDICT_REDIRECT -> "redirected";
          case Layouts.VERDICT_DENY -> "denied";
          default -> "dropped";
        },
        Reason.ofSlot(reason).map(Reason::label).orElse("reason_" + reason),
        e.get(ValueLayout.JAVA_INT, off("ifindex")));
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
    return !verdict.equals("allowed") && !verdict.equals("redirected");
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
        + "}";
  }
}
