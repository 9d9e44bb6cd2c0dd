package io.palisade.policy.flow;

import io.palisade.policy.Direction;
import io.palisade.policy.l7.L7Decision;
import io.palisade.policy.l7.L7Evaluator;
import io.palisade.policy.l7.L7Request;
import io.palisade.policy.l7.RuleText;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.Contribution;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.PortMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One request on a flow: whether L3/L4 lets it reach a proxy, and on each side whose port is
 * redirected, which rule admits it or what was tried. The rules a side's proxy holds for a peer are
 * Cilium's union: every L7 rule of a section that matches the peer and port, plus, for a section
 * that allows the peer on the port without L7 rules, the wildcard that admits every request.
 */
public record L7Trace(
    L7Request request, L7Outcome outcome, String reason, List<L7SideTrace> sides) {

  public L7Trace {
    sides = List.copyOf(sides);
  }

  /**
   * @throws L7ParserMismatch when a redirecting side's proxy parses another protocol than the
   *     request's
   */
  public static L7Trace of(
      ClusterPolicy cp, FlowEndpoint src, FlowEndpoint dst, int protocol, int port, L7Request r) {
    FlowVerdict v = cp.decide(src, dst, protocol, port);
    if (v.verdict() == Verdict.DENY) {
      SideVerdict denying = v.egress().verdict() == Verdict.DENY ? v.egress() : v.ingress();
      FlowEndpoint who = denying == v.egress() ? src : dst;
      return new L7Trace(
          r,
          L7Outcome.DENIED_AT_L3_L4,
          "denied at L3/L4 on "
              + denying.direction().lowerName()
              + " of "
              + who
              + ", before any L7 rule",
          List.of());
    }
    List<L7SideTrace> sides = new ArrayList<>();
    side(cp, Direction.EGRESS, src, dst, v.egress(), protocol, port, r).ifPresent(sides::add);
    side(cp, Direction.INGRESS, dst, src, v.ingress(), protocol, port, r).ifPresent(sides::add);
    if (sides.isEmpty()) {
      return new L7Trace(
          r,
          L7Outcome.NOT_REDIRECTED,
          "the port is not redirected to a proxy on either side: L7 rules do not apply, and L3/L4"
              + " allows every request",
          List.of());
    }
    List<String> refusing = new ArrayList<>();
    for (L7SideTrace s : sides) {
      if (!s.allowed()) {
        refusing.add(s.direction().lowerName() + " of " + s.endpoint());
      }
    }
    return refusing.isEmpty()
        ? new L7Trace(r, L7Outcome.ALLOWED, "an L7 rule admits the request on every side", sides)
        : new L7Trace(
            r,
            L7Outcome.REFUSED,
            "no L7 rule admits the request on " + String.join(" and ", refusing),
            sides);
  }

  private static Optional<L7SideTrace> side(
      ClusterPolicy cp,
      Direction d,
      FlowEndpoint subject,
      FlowEndpoint peer,
      SideVerdict dp,
      int protocol,
      int port,
      L7Request request) {
    if (dp.verdict() != Verdict.REDIRECT) {
      return Optional.empty();
    }
    L7Parser parser = dp.match().flatMap(m -> m.entry().l7()).orElseThrow().parser();
    if (parser != request.parser()) {
      throw new L7ParserMismatch(subject, d, parser);
    }
    DirectionVerdict why = cp.explain(d, subject, peer, protocol, port);
    List<Object> rules = new ArrayList<>();
    List<L7RuleTrace> placed = new ArrayList<>();
    Object wildcard = new L7Policy(parser, Set.of()).wildcardRule();
    for (Contribution c : why.matched()) {
      if (c.verdict() == Verdict.DENY) {
        continue;
      }
      boolean plainAllow = c.ports().isEmpty();
      for (PortMatch pm : c.ports()) {
        if (pm.l7().isEmpty()) {
          plainAllow = true;
          continue;
        }
        if (pm.l7().get().parser() != parser) {
          continue; // Conflicting parsers on one port are refused by validation.
        }
        List<Object> ordered = pm.l7().get().ordered();
        for (int i = 0; i < ordered.size(); i++) {
          String l7Path =
              c.section().path()
                  + (pm.path().isEmpty() ? "" : "." + pm.path())
                  + ".rules."
                  + RuleText.kind(ordered.get(i))
                  + "["
                  + i
                  + "]";
          rules.add(ordered.get(i));
          placed.add(
              new L7RuleTrace(
                  c.section().origin(),
                  c.section().path(),
                  Optional.of(l7Path),
                  Optional.of(i),
                  null));
        }
      }
      if (plainAllow) {
        rules.add(wildcard);
        placed.add(
            new L7RuleTrace(
                c.section().origin(),
                c.section().path(),
                Optional.empty(),
                Optional.empty(),
                null));
      }
    }
    L7Decision decision = L7Evaluator.evaluate(rules, request);
    List<L7RuleTrace> traced = new ArrayList<>();
    for (int i = 0; i < placed.size(); i++) {
      L7RuleTrace p = placed.get(i);
      traced.add(
          new L7RuleTrace(
              p.origin(), p.sectionPath(), p.l7Path(), p.l7Index(), decision.rules().get(i)));
    }
    return Optional.of(new L7SideTrace(d, subject, parser, decision.allowed(), traced));
  }
}
