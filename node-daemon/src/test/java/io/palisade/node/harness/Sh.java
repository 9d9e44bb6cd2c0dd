package io.palisade.node.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command for the test harness (ip, ping); only tests shell out. A command that cannot be
 * run (missing, not starting, hanging) throws {@link HarnessException}; its exit code is the
 * caller's to read.
 */
public final class Sh {

  /** A finished command. */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private Sh() {}

  /** Runs {@code command} once its program is known to exist and run ({@link Tools#require}). */
  public static Result run(List<String> command) {
    Tools.require(command.getFirst());
    return start(command);
  }

  public static Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs a command and fails the test setup when it fails. */
  public static String must(String... command) {
    Result r = run(command);
    if (!r.ok()) {
      throw new HarnessException(String.join(" ", command) + " -> " + r.output());
    }
    return r.output();
  }

  /** Runs {@code command} without checking its program first: for {@link Tools} itself. */
  static Result start(List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new HarnessException("could not start " + command + ": " + e.getMessage(), e);
    }
    try {
      // Read before waiting: a full pipe would otherwise block the command forever.
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HarnessException("did not finish in 30 s: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new HarnessException("could not read the output of " + command, e);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new HarnessException("interrupted while running " + command, e);
    }
  }
}
