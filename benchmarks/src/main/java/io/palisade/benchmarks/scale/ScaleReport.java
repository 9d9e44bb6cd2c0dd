package io.palisade.benchmarks.scale;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Prints a scale run: set-up times, heap by structure, and each phase beside the baseline. */
final class ScaleReport {

  /** The set-up of the run, before any change. */
  record Setup(
      ScaleShape shape,
      boolean forked,
      boolean ackOnly,
      Duration load,
      Duration firstRun,
      Duration sync,
      Fleet.Traffic syncTraffic,
      ScaleRun.FleetStart fleetStart,
      ScaleRun.SyncSnapshots syncSnapshots,
      long revision) {}

  private static final double MIB = 1024.0 * 1024;

  private ScaleReport() {}

  static void print(
      PrintStream out,
      Setup setup,
      List<HeapProbe.Mark> heap,
      List<PhaseResult> phases,
      List<String> mismatches) {
    ScaleShape shape = setup.shape();
    out.println();
    out.println("Operator scale benchmark: " + shape);
    out.printf(
        "daemons: %,d %s on loopback, one gRPC channel (TCP connection) each, in %s%n",
        shape.nodes(),
        setup.ackOnly()
            ? "acking daemons (each message acked once parsed, no state built)"
            : "node-daemon NodeStateClients",
        setup.forked() ? "a JVM of their own" : "the operator's JVM");
    out.printf("inventory filled (every policy validated): %.1f s%n", seconds(setup.load()));
    out.printf(
        "first pipeline run (whole desired state, revision %d): %.1f s%n",
        setup.revision(), seconds(setup.firstRun()));
    Fleet.Traffic t = setup.syncTraffic();
    out.printf(
        "initial sync, daemons started to all %,d acked: %.1f s (%,d messages, %.1f MiB; daemon"
            + " apply p50 %.1f ms, max %.1f ms)%n",
        shape.nodes(),
        seconds(setup.sync()),
        t.messages(),
        t.bytes() / MIB,
        percentileMs(t.applyNanos(), 0.5),
        percentileMs(t.applyNanos(), 1));
    out.printf(
        "  daemons made (a JVM, clients and channels, before the clock) in %.1f s; started (on"
            + " the clock) in %.2f s%n",
        seconds(setup.fleetStart().made()), seconds(setup.fleetStart().started()));
    ScaleRun.SyncSnapshots s = setup.syncSnapshots();
    out.printf(
        "  operator's snapshots: %,d sent (%,d made), %.2f s of its senders' time making them and"
            + " handing them to gRPC; the last handed over %.1f s after the daemons' start%n",
        s.costs().sent(), s.costs().made(), seconds(s.costs().busy()), seconds(s.lastSent()));
    printHeap(out, heap);
    printPhases(out, phases);
    if (mismatches.isEmpty()) {
      out.printf(
          "check: all %,d daemons hold their node's latest revision%s%n",
          shape.nodes(),
          setup.ackOnly() ? " (acked; they build no state)" : ", with the operator's entry counts");
    } else {
      out.printf("check FAILED on %d nodes:%n", mismatches.size());
      mismatches.stream().limit(10).forEach(m -> out.println("  " + m));
    }
  }

  static void printHeap(PrintStream out, List<HeapProbe.Mark> marks) {
    out.println("heap in use after full GC (MemoryMXBean), and what each step added:");
    long previous = 0;
    long operator = 0;
    for (HeapProbe.Mark m : marks) {
      long added = m.usedBytes() - previous;
      out.printf("  %8.1f MiB  %+8.1f  %s%n", m.usedBytes() / MIB, added / MIB, m.what());
      if (m.what().startsWith("inventory")
          || m.what().startsWith("desired")
          || m.what().startsWith("streams")) {
        operator += added;
      }
      previous = m.usedBytes();
    }
    out.printf(
        "  operator at scale (inventory + desired state + streams, as far as built): %.1f MiB%n",
        operator / MIB);
  }

  /** Change to all acks (p50, p90, p99, max) and publish (p50, p99), in ms, as columns. */
  private static String latencies(Samples changeToAcks, Samples publish) {
    return String.format(
        "%9.2f %9.2f %9.2f %9.2f | %8.2f %8.2f",
        changeToAcks.percentile(0.5) / 1e6,
        changeToAcks.percentile(0.9) / 1e6,
        changeToAcks.percentile(0.99) / 1e6,
        changeToAcks.max() / 1e6,
        publish.percentile(0.5) / 1e6,
        publish.percentile(0.99) / 1e6);
  }

  private static void printPhases(PrintStream out, List<PhaseResult> phases) {
    out.println();
    out.println(
        "change to all acks      n  warm    p50 ms    p90 ms    p99 ms    max ms |"
            + " publish p50/p99 ms | nodes | msgs  KiB /change | daemon apply p50/p99 ms");
    for (PhaseResult p : phases) {
      Samples a = p.changeToAcks();
      int n = Math.max(1, a.count());
      out.printf(
          "%-18s %5d %5d %s | %5.1f | %5.1f %6.1f | %8.2f %8.2f%s%n",
          p.name(),
          a.count(),
          p.warmups(),
          latencies(a, p.publish()),
          p.nodes().mean(),
          (double) p.messages() / n,
          p.bytes() / 1024.0 / n,
          p.applyNanos().percentile(0.5) / 1e6,
          p.applyNanos().percentile(0.99) / 1e6,
          p.budgetReached() ? "  (time budget reached)" : "");
      p.kinds()
          .forEach(
              (kind, of) ->
                  out.printf(
                      "  %-16s %5d %5s %s |%n",
                      kind.name().toLowerCase(Locale.ROOT),
                      of.changeToAcks().count(),
                      "",
                      latencies(of.changeToAcks(), of.publish())));
    }
    if (phases.size() == 2 && phases.get(0).changeToAcks().count() > 0) {
      Samples measured = phases.get(0).changeToAcks();
      Samples baseline = phases.get(1).changeToAcks();
      out.printf(
          "%s / %s: p50 %.2fx, p99 %.2fx%n",
          phases.get(1).name(),
          phases.get(0).name(),
          (double) baseline.percentile(0.5) / measured.percentile(0.5),
          (double) baseline.percentile(0.99) / measured.percentile(0.99));
    }
    out.println(
        "goal: p50 < 3 ms, p99 < 10 ms. Cilium CI scale test, 1,000 nodes (cilium/cilium#40227):"
            + " 9 ms p50, 317 ms p99.");
  }

  private static double percentileMs(long[] nanos, double fraction) {
    Samples s = new Samples();
    s.addAll(nanos);
    return s.percentile(fraction) / 1e6;
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
