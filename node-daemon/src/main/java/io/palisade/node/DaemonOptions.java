package io.palisade.node;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The node daemon's command line, parsed; every problem is reported at once. */
public record DaemonOptions(
    List<Path> policies,
    Path cluster,
    Map<String, String> veths,
    List<String> routedPods,
    Path pinRoot,
    Optional<Path> flowLog,
    int metricsPort,
    boolean once) {

  /** Parses {@code args} as {@code palisade-node} does, or throws with every problem found. */
  public static DaemonOptions parse(String... args) {
    return PalisadeNode.parse(args);
  }
}
