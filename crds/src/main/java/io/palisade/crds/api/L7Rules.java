package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The L7 rules of a port: exactly one of HTTP, Kafka or DNS. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record L7Rules(List<PortRuleHTTP> http, List<PortRuleKafka> kafka, List<FQDNSelector> dns) {}
