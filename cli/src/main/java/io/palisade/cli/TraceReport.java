package io.palisade.cli;

import io.palisade.policy.Direction;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.FlowVerdict;
import io.palisade.policy.flow.L7Trace;
import io.palisade.policy.flow.Outcome;
import io.palisade.policy.flow.SideVerdict;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.reference.Contribution;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.RuleOrigin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One traced flow: the datapath's verdict (MapState lookups) with the reference evaluator's account
 * of which rules matched on each side.
 */
record TraceReport(
    FlowEndpoint src,
    FlowEndpoint dst,
    PortSpec port,
    FlowVerdict verdict,
    DirectionVerdict egress,
    DirectionVerdict ingress,
    Optional<L7Trace> l7) {

  static TraceReport of(
      ClusterPolicy cp, FlowEndpoint src, FlowEndpoint dst, PortSpec p, Optional<L7Trace> l7) {
    int proto = p.protocol().number();
    return new TraceReport(
        src,
        dst,
        p,
        cp.decide(src, dst, proto, p.port()),
        cp.explain(Direction.EGRESS, src, dst, proto, p.port()),
        cp.explain(Direction.INGRESS, dst, src, proto, p.port()),
        l7);
  }

  String text() {
    StringBuilder sb = new StringBuilder();
    sb.append(verdict.outcome().label()).append('\n');
    sb.append("flow: ")
        .append(src)
        .append(" -> ")
        .append(dst)
        .append(' ')
        .append(port)
        .append('\n');
    l7.ifPresent(t -> L7Report.text(sb, t));
    side(sb, src, dst, verdict.egress(), egress);
    side(sb, dst, src, verdict.ingress(), ingress);
    sb.append("identities:\n");
    identity(sb, src);
    if (dst.identity().id() != src.identity().id()) {
      identity(sb, dst);
    }
    return sb.toString();
  }

  private static void side(
      StringBuilder sb, FlowEndpoint who, FlowEndpoint peer, SideVerdict dp, DirectionVerdict why) {
    String dir = dp.direction().lowerName();
    sb.append(dir).append(" of ").append(who).append(": ").append(Outcome.of(dp.verdict()).label());
    if (!who.isLocal()) {
      sb.append(
          isNode(who)
              ? " (a node: no policy of its own; host policies are not enforced)\n"
              : " (outside the cluster: no policy of its own)\n");
      return;
    }
    if (!dp.enforced()) {
      sb.append(" (no policy selects it for ").append(dir).append(")\n");
      return;
    }
    sb.append(
        why.matched().isEmpty() && why.defaultDeny() ? " (default deny: no rule matches)" : "");
    sb.append('\n');
    for (RuleOrigin o : why.selectedBy()) {
      sb.append("  selected by ")
          .append(o.kind())
          .append(' ')
          .append(o.qualifiedName())
          .append(' ')
          .append(o.rulePath())
          .append('\n');
    }
    for (Contribution c : why.matched()) {
      sb.append("  matched ").append(c.section()).append(' ').append(verb(c)).append('\n');
    }
    if (why.verdict() != dp.verdict() && hasLabel(peer, "host")) {
      sb.append("  the host reaches its pods whatever their ingress rules (--host-traffic")
          .append(" allowed, Cilium's allow-localhost)\n");
    }
    sb.append("  datapath: ")
        .append(
            dp.match().map(m -> m.key() + " -> " + m.entry().verdict()).orElse("no entry, dropped"))
        .append('\n');
  }

  private static boolean hasLabel(FlowEndpoint e, String reserved) {
    return e.identity().labels().contains(io.palisade.policy.labels.Label.reserved(reserved));
  }

  private static boolean isNode(FlowEndpoint e) {
    return hasLabel(e, "host") || hasLabel(e, "remote-node");
  }

  private static String verb(Contribution c) {
    return switch (c.verdict()) {
      case ALLOW -> "allow";
      case DENY -> "deny";
      case REDIRECT -> "redirect to the L7 proxy (no proxy: dropped)";
    };
  }

  private static void identity(StringBuilder sb, FlowEndpoint e) {
    Identity id = e.identity();
    sb.append("  ")
        .append(e)
        .append(": ")
        .append(id.id())
        .append(' ')
        .append(id.labels())
        .append('\n');
  }

  /** The report as one document, for {@code -o json} and {@code -o yaml}. */
  Map<String, Object> document() {
    Map<String, Object> out = new LinkedHashMap<>();
    verdict(out, verdict.outcome());
    out.put("from", endpoint(src));
    out.put("to", endpoint(dst));
    out.put("port", port.toString());
    l7.ifPresent(t -> out.put("l7", L7Report.document(t)));
    out.put("egress", sideDocument(verdict.egress(), egress));
    out.put("ingress", sideDocument(verdict.ingress(), ingress));
    return out;
  }

  /**
   * The verdict and whether it drops: a REDIRECTED flow reads as dropped, with the reason, so that
   * no reader of the JSON takes it for allowed.
   */
  static void verdict(Map<String, Object> out, Outcome outcome) {
    out.put("verdict", outcome.name());
    out.put("dropped", outcome.dropped());
    outcome.dropReason().ifPresent(r -> out.put("dropReason", r));
  }

  private static Map<String, Object> endpoint(FlowEndpoint e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", e.name());
    m.put("identity", e.identity().id());
    m.put("labels", e.identity().labels().asList().stream().map(Object::toString).toList());
    return m;
  }

  private static Map<String, Object> sideDocument(SideVerdict dp, DirectionVerdict why) {
    Map<String, Object> m = new LinkedHashMap<>();
    verdict(m, Outcome.of(dp.verdict()));
    m.put("enforced", dp.enforced());
    m.put("defaultDeny", why.defaultDeny());
    List<Map<String, Object>> selectedBy = new ArrayList<>();
    for (RuleOrigin o : why.selectedBy()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("kind", o.kind());
      r.put("namespace", o.namespace());
      r.put("name", o.name());
      r.put("rule", o.rulePath());
      selectedBy.add(r);
    }
    m.put("selectedBy", selectedBy);
    List<Map<String, Object>> matched = new ArrayList<>();
    for (Contribution c : why.matched()) {
      Map<String, Object> r = new LinkedHashMap<>();
      RuleOrigin o = c.section().origin();
      r.put("kind", o.kind());
      r.put("namespace", o.namespace());
      r.put("name", o.name());
      r.put("direction", c.section().direction().lowerName());
      r.put("rule", c.section().path());
      r.put("verdict", verb(c));
      matched.add(r);
    }
    m.put("matched", matched);
    m.put(
        "datapathEntry", dp.match().map(x -> x.key() + " -> " + x.entry().verdict()).orElse(null));
    return m;
  }
}
