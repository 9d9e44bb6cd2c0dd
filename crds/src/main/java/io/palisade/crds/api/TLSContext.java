package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** TLS material for terminating or originating TLS at the proxy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TLSContext(
    SecretRef secret, String trustedCA, String certificate, String privateKey) {}
