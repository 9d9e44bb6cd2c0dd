package io.palisade.policy.flow;

import io.palisade.policy.l7.RuleResult;
import io.palisade.policy.rules.RuleOrigin;
import java.util.Optional;

/**
 * One rule a proxy tried on a request, with where it was written: {@code l7Path} names the L7 rule
 * ({@code spec.ingress[0].toPorts[0].rules.http[1]}), or is empty for an allow without L7 rules on
 * the port, which admits every request (Cilium's union).
 */
public record L7RuleTrace(
    RuleOrigin origin,
    String sectionPath,
    Optional<String> l7Path,
    Optional<Integer> l7Index,
    RuleResult result) {

  /** Whether this is an allow without L7 rules, not an L7 rule. */
  public boolean allowsEveryRequest() {
    return l7Path.isEmpty();
  }

  /** {@code CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[0]}. */
  public String where() {
    return origin.kind() + " " + origin.qualifiedName() + " " + l7Path.orElse(sectionPath);
  }
}
