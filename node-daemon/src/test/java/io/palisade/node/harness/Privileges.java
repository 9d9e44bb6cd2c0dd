package io.palisade.node.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of the kernel tests: they need root. Without root they are skipped with a message; in CI
 * (which runs as root) a missing privilege fails instead, so a skip there cannot pass silently.
 */
public final class Privileges {

  private Privileges() {}

  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  public static void requireRoot() {
    if (isRoot()) {
      return;
    }
    String why = "datapath tests need root (network namespaces, bpf(2), tc); not root, skipping";
    if (System.getenv("CI") != null) {
      Assertions.fail("CI runs as root, yet " + why);
    }
    Assumptions.abort(why);
  }
}
