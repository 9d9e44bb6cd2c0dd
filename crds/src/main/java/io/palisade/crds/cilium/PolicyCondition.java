package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** A status condition in the Kubernetes convention ({@code Valid}, {@code Ready}, ...). */
// Another writer's condition may carry fields of its own; see PolicyStatus.
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyCondition(
    String type,
    String status,
    String reason,
    String message,
    String lastTransitionTime,
    Long observedGeneration) {}
