package io.palisade.benchmarks.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one node daemon holding its node's share of the cluster costs: a {@link FootprintProcess}
 * against the benchmark's operator, on this JVM's class path.
 */
record DaemonFootprint(
    String node,
    long revision,
    NodeCounts counts,
    long heapBytes,
    long rssBytes,
    long firstApplyNanos) {

  static DaemonFootprint measure(String target, String node)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                FootprintProcess.class.getName(),
                target,
                node)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String found = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(FootprintProcess.PREFIX)) {
          found = line;
        }
      }
    }
    if (!p.waitFor(ScaleRun.SYNC_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || found == null) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "the footprint daemon for " + node + " gave no figure (exit " + p.exitValue() + ")");
    }
    List<Long> f =
        Arrays.stream(found.substring(FootprintProcess.PREFIX.length()).split(" "))
            .map(Long::parseLong)
            .toList();
    return new DaemonFootprint(
        node,
        f.get(0),
        new NodeCounts(f.get(1).intValue(), f.get(2).intValue(), f.get(3).intValue()),
        f.get(4),
        f.get(5),
        f.get(6));
  }

  String describe() {
    return String.format(
        "node daemon footprint (%s, one NodeStateClient in its own JVM, launched as bin/palisade-node"
            + " launches the daemon): RSS %.1f MiB, heap after full GC %.1f MiB, holding revision %d"
            + " with %,d ipcache entries, %d endpoints, %,d policy entries; its first apply (the"
            + " snapshot, alone) %.1f ms",
        node,
        rssBytes / 1048576.0,
        heapBytes / 1048576.0,
        revision,
        counts.ipcache(),
        counts.endpoints(),
        counts.policyEntries(),
        firstApplyNanos / 1e6);
  }
}
