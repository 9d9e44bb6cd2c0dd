package io.palisade.benchmarks.datapath;

import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.ScratchBpfFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The time {@code Datapath.apply} takes for a revision at one node's share of Cilium's 1,000-node
 * shape ({@link NodeShape}), on real maps pinned in a bpf filesystem of the benchmark's own, with
 * the programs attached to 30 veths in a network namespace it makes and removes. It applies the
 * whole state once, then times revisions that each move one port of one policy, then revisions that
 * each move one address. It measures whatever {@code Datapath} is first on the class path, so
 * {@code benchmarks/apply.sh} runs it over an earlier build's node daemon and this one in turn.
 * Prints one line per phase, prefixed with {@code -Dbench.label}.
 */
public final class ApplyBenchmark {

  public static void main(String[] args) throws Exception {
    if (!Privileges.isRoot()) {
      System.err.println("the apply benchmark needs root (bpf(2), namespaces, tc)");
      System.exit(2);
    }
    String label = System.getProperty("bench.label", "this build");
    int warmup = Integer.getInteger("bench.warmup", 200);
    int ports = Integer.getInteger("bench.revisions", 1000);
    int addresses = Integer.getInteger("bench.addresses", 100);
    String run = UUID.randomUUID().toString().substring(0, 6);
    try (ScratchBpfFs fs = ScratchBpfFs.mount("palisade-apply-");
        NetNs ns = NetNs.create("pal-" + run + "-apply")) {
      for (int i = 0; i < NodeShape.ENDPOINTS; i++) {
        ns.ip("link", "add", "pal-h" + i, "type", "veth", "peer", "name", "pal-p" + i);
        ns.ip("link", "set", "pal-h" + i, "up");
      }
      NodeShape shape = new NodeShape(1, i -> "pal-h" + i);
      Path pins = fs.dir().resolve("pins");
      try (Datapath dp = ns.call(() -> Datapath.open(pins))) {
        DatapathState first = shape.state();
        long t0 = System.nanoTime();
        ApplyResult all = ns.call(() -> dp.apply(first));
        double firstMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(
            "%s | whole state: %d ipcache entries, %d endpoints, %d policy entries | %.1f ms,"
                + " %d writes | load %s%n",
            label,
            first.ipcache().size(),
            first.endpoints().size(),
            shape.policyEntries(),
            firstMs,
            all.totalWrites(),
            load());
        time(ns, dp, label + " | warm-up, one port moved", warmup, shape::movePort);
        time(ns, dp, label + " | one port of one policy moved", ports, shape::movePort);
        time(ns, dp, label + " | one address moved", addresses, shape::moveAddress);
      }
    }
  }

  /** Applies {@code n} revisions, each timed inside the namespace's thread; prints the figures. */
  private static void time(
      NetNs ns, Datapath dp, String what, int n, Supplier<DatapathState> revision) {
    long[] nanos = new long[n];
    long writes = 0;
    for (int i = 0; i < n; i++) {
      DatapathState next = revision.get();
      long[] took = new long[1];
      ApplyResult r =
          ns.call(
              () -> {
                long t = System.nanoTime();
                ApplyResult applied = dp.apply(next);
                took[0] = System.nanoTime() - t;
                return applied;
              });
      if (r.totalWrites() == 0) {
        throw new IllegalStateException("revision " + i + " of '" + what + "' wrote nothing");
      }
      nanos[i] = took[0];
      writes += r.totalWrites();
    }
    Arrays.sort(nanos);
    System.out.printf(
        "%s | n %d | p50 %.3f ms | p90 %.3f ms | p99 %.3f ms | max %.3f ms | writes/revision %.1f"
            + " | load %s%n",
        what,
        n,
        nanos[n / 2] / 1e6,
        nanos[(int) (n * 0.9)] / 1e6,
        nanos[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6,
        nanos[n - 1] / 1e6,
        (double) writes / n,
        load());
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
