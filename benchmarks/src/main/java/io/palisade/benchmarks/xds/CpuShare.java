package io.palisade.benchmarks.xds;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of this JVM's threads between two moments, split into the benchmark's clients (threads
 * named {@link XdsAckBenchmark#CLIENT_THREADS}) and everything else (the server, the publisher, the
 * JVM), so the report says what the clients cost beside what is measured.
 */
final class CpuShare {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private CpuShare() {}

  /** Per thread id, its CPU time and whether it is a client's. */
  private record Sample(long cpuNanos, boolean client) {}

  static Mark mark() {
    if (!THREADS.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure threads' CPU time");
    }
    THREADS.setThreadCpuTimeEnabled(true);
    return new Mark(sample());
  }

  private static Map<Long, Sample> sample() {
    Map<Long, Sample> out = new HashMap<>();
    for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (t == null) {
        continue;
      }
      long cpu = THREADS.getThreadCpuTime(t.getThreadId());
      if (cpu >= 0) {
        out.put(
            t.getThreadId(),
            new Sample(cpu, t.getThreadName().startsWith(XdsAckBenchmark.CLIENT_THREADS)));
      }
    }
    return out;
  }

  /** A moment to measure from. Threads that ended since are not counted (none should). */
  static final class Mark {
    private final Map<Long, Sample> at;
    private final long wallNanos = System.nanoTime();

    private Mark(Map<Long, Sample> at) {
      this.at = at;
    }

    /** "clients X s CPU, the rest Y s CPU, over Z s": the clients' share of the process's CPU. */
    String since() {
      long client = 0;
      long rest = 0;
      for (Map.Entry<Long, Sample> e : sample().entrySet()) {
        Sample before = at.get(e.getKey());
        long d = e.getValue().cpuNanos() - (before == null ? 0 : before.cpuNanos());
        if (e.getValue().client()) {
          client += d;
        } else {
          rest += d;
        }
      }
      return String.format(
          Locale.ROOT,
          "CPU: clients %.2f s, server and the rest %.2f s (clients %.0f%%), over %.2f s wall",
          client / 1e9,
          rest / 1e9,
          100.0 * client / Math.max(1, client + rest),
          (System.nanoTime() - wallNanos) / 1e9);
    }
  }
}
