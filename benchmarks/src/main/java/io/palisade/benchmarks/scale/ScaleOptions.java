package io.palisade.benchmarks.scale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the scale benchmark, parsed; every problem reported at once.
 *
 * @param phases which phases run, in order: {@code pipeline} (the operator's {@code Pipeline.run},
 *     incremental or not) and {@code full} (the full-recompute baseline)
 * @param budget the longest a phase runs, warm-up included
 * @param forkFleet whether the daemons run in a JVM of their own
 * @param ackOnly whether the daemons are {@link AckingDaemon}s, which ack what they receive and
 *     build nothing, rather than the node daemon's own client
 * @param heapOnly whether the run stops after the first pipeline run, with the heap by structure
 *     and the operator's class histogram, and starts no daemons
 */
record ScaleOptions(
    ScaleShape shape,
    List<String> phases,
    int warmups,
    int changes,
    int baselineWarmups,
    int baselineChanges,
    Duration budget,
    boolean forkFleet,
    boolean ackOnly,
    String fleetHeap,
    boolean heapOnly) {

  static final String USAGE =
      """
      usage: OperatorScaleBenchmark [--toy] [--nodes N] [--namespaces N] [--identities N]
                                    [--pods N] [--policies N] [--seed N]
                                    [--phases pipeline,full] [--warmup N] [--changes N]
                                    [--baseline-warmup N] [--baseline-changes N]
                                    [--budget SECONDS] [--fleet fork|in-process] [--fleet-heap SIZE]
                                    [--daemons client|ack] [--heap-only]
        Defaults: Cilium's CI scale shape (1,000 nodes, 100 namespaces, 6,000 identities, 30,000
        pods and policies); 20 warm-up and 500 measured changes through Pipeline.run, then 1 and
        8 through the full recompute; at most 900 s a phase; the daemons in a JVM of their own
        with -Xmx8g, each the node daemon's own stream client; --daemons ack makes them ack
        what they receive without building the node's state, which times the operator's side
        alone. --heap-only builds the inventory, runs the pipeline once and prints the
        heap by structure and the largest types of a class histogram, without daemons.
      """;

  static ScaleOptions parse(String... args) {
    ScaleShape base = ScaleShape.cilium();
    int[] size = {base.nodes(), base.namespaces(), base.identities(), base.pods(), base.policies()};
    long seed = base.seed();
    List<String> phases = List.of("pipeline", "full");
    int warmups = 20;
    int changes = 500;
    int baselineWarmups = 1;
    int baselineChanges = 8;
    long budget = 900;
    boolean fork = true;
    boolean ackOnly = false;
    String fleetHeap = "8g";
    boolean heapOnly = false;
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help")) {
        throw new IllegalArgumentException(USAGE.stripTrailing());
      }
      if (a.equals("--toy")) {
        ScaleShape toy = ScaleShape.toy();
        size =
            new int[] {toy.nodes(), toy.namespaces(), toy.identities(), toy.pods(), toy.policies()};
        continue;
      }
      if (a.equals("--heap-only")) {
        heapOnly = true;
        continue;
      }
      if (i + 1 == args.length) {
        errors.add(a + " needs a value");
        break;
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--nodes" -> size[0] = Integer.parseInt(v);
          case "--namespaces" -> size[1] = Integer.parseInt(v);
          case "--identities" -> size[2] = Integer.parseInt(v);
          case "--pods" -> size[3] = Integer.parseInt(v);
          case "--policies" -> size[4] = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--phases" -> phases = List.of(v.split(","));
          case "--warmup" -> warmups = Integer.parseInt(v);
          case "--changes" -> changes = Integer.parseInt(v);
          case "--baseline-warmup" -> baselineWarmups = Integer.parseInt(v);
          case "--baseline-changes" -> baselineChanges = Integer.parseInt(v);
          case "--budget" -> budget = Long.parseLong(v);
          case "--fleet" -> fork = choice(a, v, List.of("fork", "in-process"), errors) != 1;
          case "--fleet-heap" -> fleetHeap = v;
          case "--daemons" -> ackOnly = choice(a, v, List.of("client", "ack"), errors) == 1;
          default -> errors.add("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        errors.add(a + " " + v + ": not a number");
      }
    }
    for (String p : phases) {
      if (!p.equals("pipeline") && !p.equals("full")) {
        errors.add("--phases: " + p + " is neither pipeline nor full");
      }
    }
    ScaleShape shape = null;
    try {
      shape = new ScaleShape(size[0], size[1], size[2], size[3], size[4], seed);
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors) + "\n" + USAGE);
    }
    return new ScaleOptions(
        shape,
        phases,
        warmups,
        changes,
        baselineWarmups,
        baselineChanges,
        Duration.ofSeconds(budget),
        fork,
        ackOnly,
        fleetHeap,
        heapOnly);
  }

  /** Which of {@code values} {@code v} is; -1, with an error naming them, when none. */
  private static int choice(String option, String v, List<String> values, List<String> errors) {
    int i = values.indexOf(v);
    if (i < 0) {
      errors.add(option + " " + v + ": expected " + String.join(" or ", values));
    }
    return i;
  }
}
