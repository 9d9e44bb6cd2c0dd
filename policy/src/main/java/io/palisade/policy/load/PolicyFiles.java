package io.palisade.policy.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Expands files and directories (recursively) into the YAML files they hold, sorted. */
public final class PolicyFiles {

  private PolicyFiles() {}

  /**
   * The {@code .yaml} and {@code .yml} files under {@code paths}; a named file is kept as given.
   * Anything but a directory that is named as YAML is kept, a pipe or a device too, so that the
   * reader reports it rather than it being skipped in silence.
   */
  public static List<Path> expand(List<Path> paths) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          walk.filter(f -> !Files.isDirectory(f))
              .filter(PolicyFiles::isYaml)
              .sorted()
              .forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }
}
