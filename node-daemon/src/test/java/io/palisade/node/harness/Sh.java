package io.palisade.node.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command for the test harness (ip, ping); only tests shell out. */
public final class Sh {

  /** A finished command. */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private Sh() {}

  public static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      // Read before waiting: a full pipe would otherwise block the command forever.
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  public static Result run(String... command) {
    return run(List.of(command));
  }

  /** Runs a command and fails the test setup when it fails. */
  public static String must(String... command) {
    Result r = run(command);
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " -> " + r.output());
    }
    return r.output();
  }
}
