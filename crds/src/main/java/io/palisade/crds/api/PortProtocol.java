package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A port (number, or IANA-style name resolved through container ports), an optional range end and a
 * protocol; an empty protocol means TCP, UDP and SCTP.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PortProtocol(String port, Integer endPort, String protocol) {}
