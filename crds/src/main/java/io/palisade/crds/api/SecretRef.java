package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A reference to a Kubernetes Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretRef(String namespace, String name) {}
