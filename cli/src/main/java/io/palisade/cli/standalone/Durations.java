package io.palisade.cli.standalone;

import java.time.Duration;

/** Reads {@code --interval} as Kubernetes and Flux write durations, refusing zero. */
final class Durations {

  private Durations() {}

  static Duration parse(String text) {
    Duration d = io.palisade.pipeline.Durations.parse(text);
    if (d.isZero()) {
      throw new IllegalArgumentException("the interval must be longer than zero");
    }
    return d;
  }
}
