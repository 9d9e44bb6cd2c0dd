package io.palisade.node.observe;

/** Whether a process is ready for traffic (its state in force), with a line saying so. */
public record Readiness(boolean ready, String message) {

  public static Readiness ready(String message) {
    return new Readiness(true, message);
  }

  public static Readiness notReady(String message) {
    return new Readiness(false, message);
  }
}
