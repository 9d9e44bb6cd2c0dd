package io.palisade.policy.rules;

import java.util.List;

/** A Kubernetes NetworkPolicy in the internal form: the one rule it stands for. */
public record TranslatedNetworkPolicy(PolicyRule rule) implements PolicySet.KubernetesPolicy {

  @Override
  public List<PolicyRule> rules() {
    return List.of(rule);
  }

  @Override
  public String toString() {
    return rule.origin().toString();
  }
}
