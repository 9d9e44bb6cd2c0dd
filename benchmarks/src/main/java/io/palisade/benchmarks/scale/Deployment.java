package io.palisade.benchmarks.scale;

import java.util.List;

/**
 * One deployment of the synthetic cluster: its namespace, its {@code app} and {@code tier} labels
 * (together one identity), and the container ports its pods declare by name.
 */
record Deployment(String namespace, String app, String tier) {

  static final List<String> TIERS = List.of("web", "api", "worker", "db");

  /** The named port a pod of this tier serves, and its number. */
  String portName() {
    return switch (tier) {
      case "web", "api" -> "http";
      case "worker" -> "metrics";
      default -> "postgres";
    };
  }

  int portNumber() {
    return switch (tier) {
      case "web", "api" -> 8080;
      case "worker" -> 9090;
      default -> 5432;
    };
  }
}
