package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A Kafka request pattern: a role or an API key, optionally a version, client id and topic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortRuleKafka(
    String role, String apiKey, String apiVersion, String clientID, String topic) {}
