package io.palisade.policy.reach;

import io.palisade.policy.Direction;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.Outcome;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.Contribution;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.RuleOrigin;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rule behind a cell's verdict, in words, from the reference evaluator's account of both sides:
 * the rule sections that allowed, denied or redirected it ({@code CiliumNetworkPolicy default/rule1
 * spec.ingress[0]}), a default deny and the policies that made it, or that no policy selects either
 * pod.
 */
final class VerdictCause {

  private VerdictCause() {}

  static String of(ClusterPolicy cp, FlowEndpoint from, FlowEndpoint to, CellPort p, Outcome o) {
    int proto = p.protocol().number();
    DirectionVerdict egress = cp.explain(Direction.EGRESS, from, to, proto, p.port());
    DirectionVerdict ingress = cp.explain(Direction.INGRESS, to, from, proto, p.port());
    Set<String> causes = new LinkedHashSet<>();
    Verdict wanted =
        switch (o) {
          case ALLOWED -> Verdict.ALLOW;
          case REDIRECTED -> Verdict.REDIRECT;
          case DENIED -> Verdict.DENY;
        };
    side(causes, egress, from, wanted);
    side(causes, ingress, to, wanted);
    if (causes.isEmpty() && o == Outcome.ALLOWED) {
      return !egress.enforced() && !ingress.enforced()
          ? "no policy selects " + from + " for egress or " + to + " for ingress"
          : "no rule restricts it: the policies selecting its pods are not default-deny";
    }
    if (causes.isEmpty()) {
      return "the datapath's verdict (the reference evaluator finds no rule for it)";
    }
    return String.join("; ", causes);
  }

  private static void side(
      Set<String> causes, DirectionVerdict side, FlowEndpoint subject, Verdict wanted) {
    if (!side.enforced() || side.verdict() != wanted) {
      return;
    }
    List<String> sections = new ArrayList<>();
    for (Contribution c : side.matched()) {
      if (c.verdict() == wanted) {
        sections.add(c.section().toString());
      }
    }
    if (sections.isEmpty() && wanted == Verdict.DENY && side.defaultDeny()) {
      causes.add(
          "default deny of "
              + side.direction().lowerName()
              + " of "
              + subject
              + " (selected by "
              + String.join(", ", side.selectedBy().stream().map(RuleOrigin::toString).toList())
              + ")");
      return;
    }
    causes.addAll(sections);
  }
}
