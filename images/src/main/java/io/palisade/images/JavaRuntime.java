package io.palisade.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The images' Java runtime, linked by jlink from the build's JDK with only the modules the jars
 * need: Debian 12 has no Java 25 package, and nothing may come from a registry, so the runtime is
 * part of the build.
 */
final class JavaRuntime {

  /**
   * Modules reached only by reflection or service lookup, which jdeps cannot see: elliptic-curve
   * TLS (the node-state stream's certificates), zip file systems (Quarkus reads jars through them),
   * DNS through JNDI (Netty's resolver probes it) and jcmd/JFR for diagnosing a running pod.
   */
  static final Set<String> ALWAYS =
      Set.of(
          "jdk.crypto.ec", "jdk.zipfs", "jdk.naming.dns", "jdk.jcmd", "jdk.jfr", "jdk.management");

  private final Path jdk;

  JavaRuntime(Path jdk) {
    this.jdk = jdk;
  }

  /**
   * The JDK modules {@code jars} use, as jdeps reports them, plus {@link #ALWAYS}. The jars are
   * analysed as the class path they run on: a copy of each modular jar without its module
   * descriptor stands in for it, or jdeps would resolve the descriptor's requirements as modules
   * (and fail on names that are no Java identifiers, as some automatic names are).
   */
  Set<String> modulesOf(List<Path> jars, Path scratch) throws IOException, InterruptedException {
    deleteTree(scratch);
    Files.createDirectories(scratch);
    List<Path> plain = new ArrayList<>();
    for (Path jar : jars) {
      plain.add(withoutModuleDescriptor(jar, scratch.resolve(plain.size() + ".jar")));
    }
    Set<String> modules = jdeps(plain);
    deleteTree(scratch);
    return modules;
  }

  private static Path withoutModuleDescriptor(Path jar, Path copy) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      if (zip.stream().noneMatch(e -> isModuleDescriptor(e.getName()))) {
        return jar;
      }
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
        for (ZipEntry e : zip.stream().toList()) {
          if (isModuleDescriptor(e.getName())) {
            continue;
          }
          out.putNextEntry(new ZipEntry(e.getName()));
          try (InputStream in = zip.getInputStream(e)) {
            in.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    return copy;
  }

  private static boolean isModuleDescriptor(String name) {
    return name.equals("module-info.class") || name.endsWith("/module-info.class");
  }

  private Set<String> jdeps(List<Path> jars) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool("jdeps"));
    cmd.addAll(
        List.of(
            "--ignore-missing-deps",
            "--print-module-deps",
            "--multi-release",
            "25",
            "-q",
            "--class-path",
            String.join(":", jars.stream().map(Path::toString).toList())));
    jars.forEach(j -> cmd.add(j.toString()));
    String out = run(cmd).strip();
    Set<String> modules = new TreeSet<>(ALWAYS);
    modules.addAll(Arrays.asList(out.lines().reduce((a, b) -> b).orElse("").split(",")));
    modules.removeIf(String::isBlank);
    return modules;
  }

  /** Links a runtime of {@code modules} into {@code output}, which must not exist. */
  void link(Set<String> modules, Path output) throws IOException, InterruptedException {
    deleteTree(output);
    run(
        List.of(
            tool("jlink"),
            "--add-modules",
            String.join(",", modules),
            "--strip-debug",
            "--no-man-pages",
            "--no-header-files",
            // The class-data sharing archive shortens every start of the CLI and the daemon.
            "--generate-cds-archive",
            "--output",
            output.toString()));
  }

  /** Every jar of a Quarkus fast-jar directory ({@code quarkus-app}). */
  static List<Path> jarsOf(Path quarkusApp) throws IOException {
    try (Stream<Path> walk = Files.walk(quarkusApp)) {
      return walk.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
  }

  private String tool(String name) throws IOException {
    Path tool = jdk.resolve("bin").resolve(name);
    if (!Files.isExecutable(tool)) {
      throw new IOException("the JDK at " + jdk + " has no " + name + " (a full JDK is needed)");
    }
    return tool.toString();
  }

  private static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(
          Path.of(cmd.getFirst()).getFileName() + " failed (exit " + p.exitValue() + "): " + out);
    }
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.delete(p);
      }
    }
  }
}
