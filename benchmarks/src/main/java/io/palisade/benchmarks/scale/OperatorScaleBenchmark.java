package io.palisade.benchmarks.scale;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The operator at the scale of Cilium's 1,000-node CI test: the inventory holds 100 namespaces,
 * 30,000 pods of 6,000 deployments (one identity each, five replicas on five nodes) and 30,000
 * CiliumNetworkPolicies (five per deployment, of five kinds: see {@link PolicyGenerator}), all from
 * a seed ({@link SyntheticCluster}); 1,000 simulated node daemons, each the node daemon's real
 * stream client on its own gRPC connection, stream from the operator's real server on loopback.
 *
 * <p>Each measured change ({@link PolicyChanges}) is put in the inventory and published right away,
 * and timed from just before the put until every node where the policy was or is to be enforced has
 * acked the revision. Warm-up changes are discarded; percentiles are exact. The baseline is the
 * same kind of change through the full recompute of the desired state, in the same run. The heap is
 * measured after full collections, step by step, and the run ends by checking that every daemon
 * holds its node's latest revision with the operator's entry counts.
 */
public final class OperatorScaleBenchmark {

  private static final int HISTOGRAM_LINES = 25;

  private OperatorScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    ScaleOptions options;
    try {
      options = ScaleOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(options, System.out) ? 0 : 1);
  }

  /** Runs the benchmark and prints its report; whether every daemon held the desired state. */
  static boolean run(ScaleOptions o, PrintStream out) throws Exception {
    HeapProbe heap = new HeapProbe();
    heap.mark("JVM, before anything is built");
    out.println("building " + o.shape());
    try (ScaleRun run = new ScaleRun(o.shape(), heap, out)) {
      Duration load = run.load();
      out.printf("inventory filled in %.1f s; first pipeline run…%n", load.toMillis() / 1e3);
      if (o.heapOnly()) {
        out.println("largest types alive with the inventory alone (GC.class_histogram):");
        ClassHistogram.top(HISTOGRAM_LINES).forEach(out::println);
      }
      Duration first = run.firstRun();
      long revision = run.store().revision();
      if (o.heapOnly()) {
        out.printf("first run %.1f s%n", first.toMillis() / 1e3);
        ScaleReport.printHeap(out, heap.marks());
        out.println("largest types alive (GC.class_histogram):");
        ClassHistogram.top(HISTOGRAM_LINES).forEach(out::println);
        return true;
      }
      out.printf(
          "first run %.1f s; starting %,d daemons…%n", first.toMillis() / 1e3, o.shape().nodes());
      Function<String, Fleet> fleets =
          o.forkFleet()
              ? target -> ForkedFleet.start(target, o.shape().nodes(), o.fleetHeap(), o.ackOnly())
              : target -> new DaemonFleet(target, run.nodes(), false, o.ackOnly());
      Duration sync = run.sync(fleets);
      out.println("measuring one node daemon's footprint…");
      DaemonFootprint footprint = DaemonFootprint.measure(run.target(), ScaleShape.nodeName(0));
      List<PhaseResult> phases = new ArrayList<>();
      for (String phase : o.phases()) {
        phases.add(
            phase.equals("pipeline")
                ? run.phase(run.pipelinePublication(), o.warmups(), o.changes(), o.budget())
                : run.phase(
                    run.fullRecompute(), o.baselineWarmups(), o.baselineChanges(), o.budget()));
      }
      heap.mark("after the phases");
      List<String> mismatches = run.mismatches(!o.ackOnly());
      ScaleReport.print(
          out,
          new ScaleReport.Setup(
              o.shape(),
              o.forkFleet(),
              o.ackOnly(),
              load,
              first,
              sync,
              run.syncTraffic(),
              run.fleetStart(),
              run.syncSnapshots(),
              revision),
          heap.marks(),
          phases,
          mismatches);
      out.println(footprint.describe());
      return mismatches.isEmpty();
    }
  }
}
