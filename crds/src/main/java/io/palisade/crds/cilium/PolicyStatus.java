package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** What happened to a policy: its conditions and the generation they describe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyStatus(Long observedGeneration, List<PolicyCondition> conditions) {}
