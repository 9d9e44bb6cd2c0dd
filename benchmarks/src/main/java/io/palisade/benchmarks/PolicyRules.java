package io.palisade.benchmarks;

import io.palisade.crds.api.IngressRule;
import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.PortRule;
import io.palisade.crds.api.Rule;
import java.util.List;

/** The CRD records of generated policies, with only the fields the generators fill. */
public final class PolicyRules {

  private PolicyRules() {}

  /** A rule that selects {@code subject} and allows only the ingress listed. */
  public static Rule ingressOnly(LabelSelector subject, List<IngressRule> ingress) {
    return new Rule(subject, null, ingress, null, null, null, null, null, null, null);
  }

  /** An ingress element from endpoints {@code peers} to {@code toPorts} (null: every port). */
  public static IngressRule fromEndpoints(List<LabelSelector> peers, List<PortRule> toPorts) {
    return new IngressRule(peers, null, null, null, null, null, null, toPorts, null, null);
  }
}
