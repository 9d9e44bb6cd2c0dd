package io.palisade.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman with a storage of its own under a test directory, so that what a test loads never
 * mixes with the machine's images and goes away with {@link #close()}. runc, not crun: crun refuses
 * hosts that mount cgroup v1 and v2 side by side, as CI machines often do.
 */
final class Podman implements AutoCloseable {

  /** What a container run printed and how it ended. */
  record Run(int exitCode, String stdout, String stderr) {}

  private final Path root;
  private final Path runRoot;
  private final List<String> limits;

  Podman(Path dir) throws IOException {
    this.root = dir;
    Files.createDirectories(dir);
    // podman takes a run root of at most 50 characters; a build directory's path may be longer.
    this.runRoot = Files.createTempDirectory("podman-");
    this.limits = limits();
  }

  /** Loads an OCI archive; returns what podman says it loaded. */
  String load(Path archive) throws Exception {
    Run r = podman(List.of("load", "-i", archive.toString()), 300);
    if (r.exitCode() != 0) {
      throw new IOException("podman load " + archive + " failed: " + r.stderr() + r.stdout());
    }
    return r.stdout() + r.stderr();
  }

  /** Runs {@code image} without network, {@code args} before the image being podman's options. */
  Run run(List<String> options, String image, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network=none"));
    cmd.addAll(limits);
    cmd.addAll(options);
    cmd.add(image);
    cmd.addAll(List.of(command));
    return podman(cmd, 180);
  }

  Run podman(List<String> args, int timeoutSeconds) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "podman",
            "--runtime",
            "runc",
            "--root",
            root.resolve("storage").toString(),
            "--runroot",
            runRoot.toString(),
            "--cgroup-manager",
            "cgroupfs",
            "--events-backend",
            "file"));
    cmd.addAll(args);
    Path out = Files.createTempFile(root, "out", ".txt");
    Path err = Files.createTempFile(root, "err", ".txt");
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    } catch (IOException e) {
      throw new IOException(
          "podman is needed to run the images: apt-get install -y podman runc", e);
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("podman " + args + " did not finish in " + timeoutSeconds + " s");
    }
    Run r =
        new Run(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /**
   * podman asks for a million open files and processes by default, which a runtime without
   * CAP_SYS_RESOURCE (containers in CI) may not grant: ask for what this process has, and for
   * processes no more than 4096 (runc is refused this process's own limit there).
   */
  private static List<String> limits() throws IOException {
    List<String> opts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
      String[] f = line.trim().split("\\s{2,}");
      String name =
          switch (f[0]) {
            case "Max open files" -> "nofile";
            case "Max processes" -> "nproc";
            default -> null;
          };
      if (name != null && !f[2].equals("unlimited")) {
        long hard = Long.parseLong(f[2]);
        long limit = name.equals("nproc") ? Math.min(hard, 4096) : hard;
        opts.addAll(List.of("--ulimit", name + "=" + limit + ":" + limit));
      }
    }
    return opts;
  }

  /** Removes every image and container of this storage, then the storage itself. */
  @Override
  public void close() throws Exception {
    podman(List.of("rm", "--all", "--force"), 60);
    podman(List.of("rmi", "--all", "--force"), 120);
    podman(List.of("system", "reset", "--force"), 120);
    JavaRuntime.deleteTree(root);
    JavaRuntime.deleteTree(runRoot);
  }
}
