package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A status condition in the Kubernetes convention ({@code Valid}, {@code Ready}, ...). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyCondition(
    String type,
    String status,
    String reason,
    String message,
    String lastTransitionTime,
    Long observedGeneration) {}
