package io.palisade.node.harness;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The programs the harness runs, each checked once to exist on the PATH and to run before a test
 * relies on it; a missing one fails the test with its name and the Debian package that has it.
 */
public final class Tools {

  /** Tool to its Debian package and the arguments that make it print a version and exit 0. */
  private record Tool(String debianPackage, List<String> versionArgs) {}

  private static final Map<String, Tool> KNOWN =
      Map.of(
          "ip", new Tool("iproute2", List.of("-V")),
          "tc", new Tool("iproute2", List.of("-V")),
          "ping", new Tool("iputils-ping", List.of("-V")),
          "nsenter", new Tool("util-linux", List.of("--version")),
          "curl", new Tool("curl", List.of("--version")),
          "python3", new Tool("python3", List.of("--version")),
          "iptables-legacy", new Tool("iptables", List.of("--version")),
          "sh", new Tool("dash", List.of("-c", "true")),
          "dnsmasq", new Tool("dnsmasq-base", List.of("--version")),
          "kill", new Tool("procps", List.of("-V")));

  private static final Map<String, Path> CHECKED = new ConcurrentHashMap<>();

  private Tools() {}

  /**
   * The tool's path, once it is found and ran; throws {@link HarnessException} naming the tool and
   * its package otherwise.
   */
  public static Path require(String name) {
    Path known = CHECKED.get(name);
    if (known != null) {
      return known;
    }
    Tool tool = KNOWN.get(name);
    Path path = find(name).orElseThrow(() -> missing(name));
    if (tool != null) {
      Sh.Result r = Sh.start(concat(path.toString(), tool.versionArgs()));
      if (!r.ok()) {
        throw new HarnessException(
            name
                + " at "
                + path
                + " does not run"
                + hint(name)
                + ": exit "
                + r.exit()
                + ", "
                + r.output());
      }
    }
    CHECKED.put(name, path);
    return path;
  }

  /** The failure of a tool that is not installed, with the Debian package that has it. */
  static HarnessException missing(String name) {
    return new HarnessException(
        name
            + " is not installed or not on the PATH"
            + hint(name)
            + "; the harness cannot run it, so no verdict can be taken");
  }

  private static String hint(String name) {
    Tool tool = KNOWN.get(name);
    return tool == null
        ? ""
        : " (Debian package "
            + tool.debianPackage()
            + ": apt-get install -y "
            + tool.debianPackage()
            + ")";
  }

  /** Whether {@code name} is on the PATH, for tests that choose between tools. */
  public static boolean isInstalled(String name) {
    return find(name).isPresent();
  }

  /** The executable named {@code name}: itself if it is a path, else the first on the PATH. */
  static Optional<Path> find(String name) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String pathVar = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : pathVar.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static List<String> concat(String first, List<String> rest) {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(first), rest.stream())
        .toList();
  }
}
