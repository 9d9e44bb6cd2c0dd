package io.palisade.pipeline.model;

import io.palisade.policy.Protocol;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One port of a Service: its name ({@code ""} when the Service has one unnamed port), protocol,
 * port, the target port (a number, or the name of a container port) and the node port, if any.
 */
public record ServicePort(
    String name, Protocol protocol, int port, TargetPort targetPort, OptionalInt nodePort) {

  /** A Service port's {@code targetPort}: a number, or a container port's name. */
  public record TargetPort(OptionalInt number, Optional<String> name) {

    public static TargetPort of(int number) {
      return new TargetPort(OptionalInt.of(number), Optional.empty());
    }

    public static TargetPort named(String name) {
      return new TargetPort(OptionalInt.empty(), Optional.of(name));
    }

    @Override
    public String toString() {
      return name.orElseGet(() -> String.valueOf(number.orElse(0)));
    }
  }
}
