package io.palisade.operator.status;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The kstatus rules Flux applies to a custom resource (cli-utils' generic rules, which Flux's
 * {@code wait} and health checks use): a generation the controller has not observed is in progress;
 * {@code Reconciling=True} is in progress; {@code Stalled=True} has failed; otherwise current,
 * whether or not Ready is there, which is why Palisade must never leave a not-ready object without
 * one of the two.
 */
final class Kstatus {

  enum Result {
    CURRENT,
    IN_PROGRESS,
    FAILED
  }

  private Kstatus() {}

  static Result of(JsonNode object) {
    JsonNode status = object.path("status");
    long generation = object.path("metadata").path("generation").asLong(0);
    if (generation > 0 && status.path("observedGeneration").asLong(-1) < generation) {
      return Result.IN_PROGRESS;
    }
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals("Reconciling")
          && c.path("status").asText().equals("True")) {
        return Result.IN_PROGRESS;
      }
      if (c.path("type").asText().equals("Stalled") && c.path("status").asText().equals("True")) {
        return Result.FAILED;
      }
    }
    return Result.CURRENT;
  }
}
