package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A DNS name or a wildcard pattern ({@code *} within a label, {@code **.} across labels). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FQDNSelector(String matchName, String matchPattern) {}
