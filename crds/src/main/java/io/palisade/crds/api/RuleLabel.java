package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A metadata label on a rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleLabel(String key, String value, String source) {}
