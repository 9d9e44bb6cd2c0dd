package io.palisade.cli.standalone;

import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Probes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Finds when real packets start meeting a new verdict. A new TCP connection is opened every {@link
 * #EVERY} (each one a fresh flow, so conntrack never answers for the policy), without waiting for
 * the earlier ones: a dropped SYN is only known once its probe times out, and waiting for it would
 * blur the moment by the whole timeout. What counts is when the first probe meeting the verdict was
 * started, since its packets met the datapath then.
 */
final class VerdictWatch {

  private static final Duration EVERY = Duration.ofMillis(10);
  // Under the kernel's first SYN retransmission (1 s): a probe's verdict is its first SYN's.
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

  private record Probe(long startNanos, Future<Boolean> served) {
    boolean meets(boolean wanted) {
      return served.isDone() && served.resultNow() == wanted;
    }
  }

  private VerdictWatch() {}

  /**
   * How long after {@code sinceNanos} the first connection from {@code from} to {@code address} met
   * {@code served}; fails if none did within {@code limit}, or if a later one did not (the verdict
   * must flip once and stay).
   */
  static Duration firstMeeting(
      NetNs from, String address, int port, boolean served, long sinceNanos, Duration limit)
      throws InterruptedException {
    List<Probe> probes = new ArrayList<>();
    long deadline = sinceNanos + limit.toNanos();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      while (probes.stream().noneMatch(p -> p.meets(served))) {
        long start = System.nanoTime();
        if (start > deadline) {
          throw new AssertionError(
              "no connection to "
                  + address
                  + ":"
                  + port
                  + " was "
                  + verdict(served)
                  + " in "
                  + limit);
        }
        probes.add(
            new Probe(start, pool.submit(() -> Probes.tcp(from, address, port, PROBE_TIMEOUT))));
        Thread.sleep(EVERY);
      }
    } // waits for the probes still running: an earlier one may be the first to meet the verdict
    Probe first = probes.stream().filter(p -> p.meets(served)).findFirst().orElseThrow();
    long contrary =
        probes.stream()
            .filter(p -> p.startNanos() > first.startNanos() && !p.meets(served))
            .count();
    if (contrary > 0) {
      throw new AssertionError(
          contrary + " connections started after the first " + verdict(served) + " one were not");
    }
    return Duration.ofNanos(first.startNanos() - sinceNanos);
  }

  private static String verdict(boolean served) {
    return served ? "served" : "dropped";
  }
}
