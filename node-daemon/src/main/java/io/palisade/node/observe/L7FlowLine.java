package io.palisade.node.observe;

import io.palisade.proxy.ProxyEvent;
import io.palisade.xds.RbacPolicyName;
import java.time.Instant;
import java.util.List;

/**
 * A request the node's embedded proxy decided, as a flow log line beside the datapath's: {@code
 * "verdict":"l7-allowed"} or {@code "l7-denied"}, the request (HTTP method and path, gRPC service
 * and method), and the Cilium policies and rules that admitted it, or why it was refused.
 */
public final class L7FlowLine {

  private L7FlowLine() {}

  /** The JSON line of {@code e}, stamped {@code time}. */
  public static String toJson(ProxyEvent e, Instant time) {
    StringBuilder sb = new StringBuilder("{\"time\":\"").append(time).append('"');
    field(sb, "source", e.source().getAddress().getHostAddress());
    field(sb, "destination", e.destination().getAddress().getHostAddress());
    sb.append(",\"source_port\":").append(e.source().getPort());
    sb.append(",\"destination_port\":").append(e.destination().getPort());
    field(sb, "protocol", "TCP");
    field(sb, "direction", e.direction());
    field(sb, "verdict", e.verdict().label());
    if (e.grpcService().isPresent()) {
      sb.append(",\"grpc\":{\"service\":\"")
          .append(escaped(e.grpcService().get()))
          .append("\",\"method\":\"")
          .append(escaped(e.grpcMethod().orElse("")))
          .append("\"}");
    }
    sb.append(",\"http\":{\"method\":\"")
        .append(escaped(e.method()))
        .append("\",\"path\":\"")
        .append(escaped(e.path()))
        .append("\"}");
    List<RbacPolicyName.Origin> origins = RbacPolicyName.origins(e.policy());
    if (e.verdict() == ProxyEvent.Verdict.DENIED) {
      field(sb, "reason", e.policy());
    } else if (origins.isEmpty()) {
      // An allow without L7 rules on the port (or a config not made by the translator).
      field(sb, "rule", e.policy());
    } else {
      sb.append(",\"policies\":[");
      for (int i = 0; i < origins.size(); i++) {
        RbacPolicyName.Origin o = origins.get(i);
        sb.append(i == 0 ? "" : ",")
            .append("{\"policy\":\"")
            .append(escaped(o.policy()))
            .append("\",\"rule\":\"")
            .append(escaped(o.rule()))
            .append("\"}");
      }
      sb.append(']');
    }
    return sb.append('}').toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":\"").append(escaped(value)).append('"');
  }

  /** Paths and methods come from the network: nothing in them may break the line. */
  private static String escaped(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
