package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A redirect to a listener of a CiliumEnvoyConfig (egress only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Listener(EnvoyConfig envoyConfig, String name, Integer priority) {

  /** The CiliumEnvoyConfig or CiliumClusterwideEnvoyConfig holding the listener. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EnvoyConfig(String kind, String name) {}
}
