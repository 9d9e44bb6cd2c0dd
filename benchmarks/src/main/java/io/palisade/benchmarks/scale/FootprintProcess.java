package io.palisade.benchmarks.scale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One node daemon's stream client in a JVM of its own, launched as {@code bin/palisade-node}
 * launches the daemon (no heap flags): {@code FootprintProcess HOST:PORT NODE} syncs the node's
 * share of the cluster, then prints one line, {@code footprint REVISION IPCACHE ENDPOINTS
 * POLICY_ENTRIES HEAP_BYTES RSS_BYTES APPLY_NANOS}, with the heap in use after full collections,
 * the resident set from {@code /proc/self/status} and how long its first apply took (the snapshot,
 * from read off the wire to applied: alone on the machine, not one of 1,000), and exits.
 */
public final class FootprintProcess {

  static final String PREFIX = "footprint ";

  private FootprintProcess() {}

  public static void main(String[] args) throws Exception {
    DaemonStats stats = new DaemonStats();
    try (SimulatedDaemon daemon = new SimulatedDaemon(args[1], args[0], false, stats)) {
      daemon.start();
      long deadline = System.nanoTime() + ScaleRun.SYNC_TIMEOUT.toNanos();
      while (daemon.applied().revision() == 0) {
        if (System.nanoTime() > deadline) {
          System.err.println("the daemon applied nothing in " + ScaleRun.SYNC_TIMEOUT);
          System.exit(1);
        }
        Thread.sleep(Duration.ofMillis(50));
      }
      Fleet.Applied a = daemon.applied();
      long firstApply = stats.drain().applyNanos()[0];
      long heap = HeapProbe.usedAfterGc();
      System.out.println(
          PREFIX
              + a.revision()
              + " "
              + a.counts().ipcache()
              + " "
              + a.counts().endpoints()
              + " "
              + a.counts().policyEntries()
              + " "
              + heap
              + " "
              + rssBytes()
              + " "
              + firstApply);
      System.out.flush();
    }
  }

  /** VmRSS of this process; a system without it fails loudly rather than reading as zero. */
  private static long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("/proc/self/status has no VmRSS");
  }
}
