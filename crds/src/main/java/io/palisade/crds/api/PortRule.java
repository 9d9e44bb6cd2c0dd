package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** Ports of an allow rule, with optional L7 rules, TLS contexts, SNI and listener. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortRule(
    List<PortProtocol> ports,
    L7Rules rules,
    TLSContext terminatingTLS,
    TLSContext originatingTLS,
    List<String> serverNames,
    Listener listener) {}
