package io.palisade.benchmarks;

import io.palisade.policy.Direction;
import io.palisade.policy.resolve.PolicyEngine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH suite and prints each figure beside its baseline from the same run, its goal and
 * Cilium's published number. Arguments are JMH's own ({@code -f}, {@code -wi}, {@code -i}, a
 * benchmark regex, ...), plus {@code --check-all}; the defaults are one fork, 3 warm-up and 5
 * measured iterations of one second (single shots for the slow naive baseline).
 */
public final class BenchmarkReport {

  /** The goals and Cilium's {@code BenchmarkRegeneratePolicyRules} (PR #6893). */
  static final double FULL_GOAL_MS = 100;

  static final double INCREMENTAL_GOAL_US = 1_000;
  static final double ALL_SUBJECTS_GOAL_MS = 300;
  static final double CILIUM_MS = 1_353;

  /** Checks every subject against the naive resolver before measuring (about 30 s more). */
  static final String CHECK_ALL = "--check-all";

  private static final String FULL = FullResolutionBenchmark.class.getName();
  private static final String INCREMENTAL = IncrementalIdentityBenchmark.class.getName();
  private static final String ONE = OneEndpointBenchmark.class.getName();

  private BenchmarkReport() {}

  public static void main(String[] args) throws Exception {
    List<String> jmhArgs = new ArrayList<>(List.of(args));
    int naiveStride = jmhArgs.remove(CHECK_ALL) ? 1 : 10;
    Workload workload = Workload.standard();
    describe(workload);
    List<String> failures = new ResolutionChecks(workload, naiveStride).run();
    if (!failures.isEmpty()) {
      failures.stream().limit(20).forEach(System.err::println);
      System.err.printf(
          "%d disagreements: the benchmarks would not compare like with like%n", failures.size());
      System.exit(1);
    }
    System.out.printf(
        Locale.ROOT,
        "checked: the naive MapStates equal the engine's (%,d of %,d subjects; %s checks all),"
            + " and incremental additions and removals equal recomputation%n%n",
        (workload.subjects().size() + naiveStride - 1) / naiveStride,
        workload.subjects().size(),
        CHECK_ALL);

    CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
    OptionsBuilder options = new OptionsBuilder();
    options.parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(ONE).include(FULL).include(INCREMENTAL);
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, Result<?>> byName = new HashMap<>();
    for (RunResult r : results) {
      byName.put(r.getParams().getBenchmark(), r.getPrimaryResult());
    }
    System.out.println();
    System.out.println(table(byName));
  }

  private static void describe(Workload w) {
    PolicyEngine engine = FullResolutionBenchmark.resolveAll(w);
    long sections = w.rules().stream().mapToLong(r -> r.sections().size()).sum();
    long entries = 0;
    for (long subject : w.subjects()) {
      entries += engine.policyFor(subject).mapState().size();
    }
    long withEgress = w.rules().stream().filter(r -> r.appliesIn(Direction.EGRESS)).count();
    long withDeny =
        w.rules().stream().filter(r -> r.sections().stream().anyMatch(s -> s.deny())).count();
    System.out.printf(
        Locale.ROOT,
        "workload: %,d CiliumNetworkPolicy rules (%,d sections, %,d distinct selectors; %,d with"
            + " egress, %,d with deny)%n"
            + "          %,d pod identities (+%d reserved and CIDR), %,d of them selected"
            + " subjects; %,d MapState entries in all%n"
            + "          one added identity changes %s, over %d arrivals%n",
        w.rules().size(),
        sections,
        engine.selectorCache().selectorCount(),
        withEgress,
        withDeny,
        w.pods().size(),
        w.infrastructure().size(),
        w.subjects().size(),
        entries,
        ResolutionChecks.affected(w, engine),
        w.arrivals().size());
  }

  /** The figures side by side; a benchmark left out by a regex prints as "-". */
  static String table(Map<String, Result<?>> r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "",
          "engine",
          "baseline (same run)",
          "ratio",
          "goal",
          "engine / goal",
          "Cilium (published)"
        });
    rows.add(
        row(
            "full resolution, one endpoint",
            r.get(ONE + ".engine"),
            r.get(ONE + ".naive"),
            "naive",
            FULL_GOAL_MS,
            "ms",
            String.format(Locale.ROOT, "%,.0f ms", CILIUM_MS)));
    rows.add(
        row(
            "full resolution, all subjects",
            r.get(FULL + ".engine"),
            r.get(FULL + ".naive"),
            "naive",
            ALL_SUBJECTS_GOAL_MS,
            "ms",
            "-"));
    rows.add(
        row(
            "same, one core",
            r.get(FULL + ".engineOneCore"),
            r.get(FULL + ".naive"),
            "naive",
            ALL_SUBJECTS_GOAL_MS,
            "ms",
            "-"));
    rows.add(
        row(
            "one identity added",
            r.get(INCREMENTAL + ".engine"),
            r.get(INCREMENTAL + ".recomputeAll"),
            "recompute all",
            INCREMENTAL_GOAL_US,
            "us",
            "-"));
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        boolean last = c == row.length - 1;
        sb.append(row[c]).append(last ? "\n" : " ".repeat(width[c] - row[c].length() + 3));
      }
    }
    return sb.toString();
  }

  private static String[] row(
      String what,
      Result<?> engine,
      Result<?> baseline,
      String baselineName,
      double goal,
      String goalUnit,
      String cilium) {
    String ratio =
        engine != null && baseline != null && sameUnit(engine, baseline)
            ? String.format(Locale.ROOT, "%.1f×", baseline.getScore() / engine.getScore())
            : "-";
    String overGoal =
        engine != null && !Double.isNaN(goal) && engine.getScoreUnit().startsWith(goalUnit)
            ? String.format(Locale.ROOT, "%.1f×", engine.getScore() / goal)
            : "-";
    return new String[] {
      what,
      figure(engine),
      baseline == null ? "-" : figure(baseline) + " " + baselineName,
      ratio,
      Double.isNaN(goal)
          ? "-"
          : String.format(Locale.ROOT, "%,.0f %s", goal, goalUnit.replace("us", "µs")),
      overGoal,
      cilium
    };
  }

  private static boolean sameUnit(Result<?> a, Result<?> b) {
    return a.getScoreUnit().equals(b.getScoreUnit());
  }

  private static String figure(Result<?> r) {
    if (r == null) {
      return "-";
    }
    String unit = r.getScoreUnit().replace("/op", "").replace("us", "µs");
    double err = Double.isNaN(r.getScoreError()) ? 0 : r.getScoreError();
    String number = r.getScore() < 10 ? "%,.3f ± %,.3f %s" : "%,.0f ± %,.0f %s";
    String figure = String.format(Locale.ROOT, number, r.getScore(), err, unit);
    if (r.getStatistics().getN() < 1_000) {
      return figure;
    }
    // Sampled times: the goals are medians, which a few slow samples on a busy machine move less.
    return figure
        + String.format(
            Locale.ROOT,
            " (p50 %,.0f, p90 %,.0f)",
            r.getStatistics().getPercentile(50),
            r.getStatistics().getPercentile(90));
  }
}
