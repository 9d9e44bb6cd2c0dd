package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What happened to a policy: its conditions and the generation they describe, and how far it is
 * enforced: on how many of the nodes it must be, and the node-state revision that carries it.
 */
// Other writers' fields, Cilium's own nodes and derivativePolicies among them on a policy Cilium
// once managed, are read past: an informer that fails on a copy stops the operator.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyStatus(
    Long observedGeneration,
    List<PolicyCondition> conditions,
    Integer desiredNodes,
    Integer enforcedNodes,
    Long enforcedRevision) {

  public PolicyStatus(Long observedGeneration, List<PolicyCondition> conditions) {
    this(observedGeneration, conditions, null, null, null);
  }
}
