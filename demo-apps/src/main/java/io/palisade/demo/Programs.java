package io.palisade.demo;

/** What the demo's programs share: how they start and how a bad command line ends them. */
final class Programs {

  private Programs() {}

  /**
   * Kafka's libraries log a few lines a second at INFO; the demo keeps each program's stderr in a
   * file, where warnings and errors are what helps. Must run before the first logger is made.
   */
  static void warningsOnly() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
  }

  /** Ends the program with the problem and its usage on stderr, exit code 2. */
  static void usage(String program, String usage, IllegalArgumentException problem) {
    System.err.println(program + ": " + problem.getMessage());
    System.err.println("usage: " + program + " " + usage);
    System.exit(2);
  }
}
