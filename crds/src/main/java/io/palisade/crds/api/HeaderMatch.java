package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An HTTP header that must have a value, taken literally or from a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeaderMatch(String mismatch, String name, SecretRef secret, String value) {}
