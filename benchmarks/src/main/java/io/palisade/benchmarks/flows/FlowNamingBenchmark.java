package io.palisade.benchmarks.flows;

import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.PolicyReasons;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.PolicyLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What the operator pays to name one relayed flow over the Star Wars samples: a flow named before
 * (the cache of the current inventory and revision answers), a flow never seen (the reference
 * evaluator walks the deathstar's rules), and, as the baseline of the same run, writing the named
 * flow as JSON, which every kept flow costs anyway.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class FlowNamingBenchmark {

  /** More distinct flows than the naming keeps, cycled through: each is named afresh. */
  private static final int DISTINCT = 16_384;

  private FlowNaming naming;
  private Flow repeated;
  private Flow named;
  private Flow[] distinct;
  private int next;

  @Setup
  public void loadTheSamples() {
    Path samples = Path.of(System.getProperty("bench.samples", "config/samples"));
    InMemoryNodeState nodeState = new InMemoryNodeState();
    LocalPipeline pipeline = new LocalPipeline("node-a", nodeState, RemovalBudget.DEFAULT);
    ClusterFile.Result cluster = ClusterFile.read(samples.resolve("cluster.yaml"));
    if (!cluster.errors().isEmpty()) {
      throw new IllegalStateException(samples + "/cluster.yaml: " + cluster.errors());
    }
    pipeline.accept(cluster.contents());
    pipeline.accept(
        PolicySnapshot.of("files", new PolicyLoader().load(List.of(samples.resolve("policies")))));
    pipeline.run();
    naming = new FlowNaming(pipeline.pipeline(), () -> "files");
    Map<String, Long> ipcache = nodeState.ipcache();
    long deathstar = ipcache.get("10.42.0.10/32");
    long tiefighter = ipcache.get("10.42.0.11/32");
    long xwing = ipcache.get("10.42.0.12/32");
    repeated =
        relayed(PolicyReasons.ALLOWED, "10.42.0.11", tiefighter, "10.42.0.10", deathstar, 80);
    named = naming.name(repeated);
    if (named.policy().isEmpty()) {
      throw new IllegalStateException("the samples name no policy for " + repeated.toJson());
    }
    distinct = new Flow[DISTINCT];
    for (int i = 0; i < DISTINCT; i++) {
      distinct[i] =
          relayed(PolicyReasons.NO_ENTRY, "10.42.0.12", xwing, "10.42.0.10", deathstar, 1024 + i);
    }
  }

  private static Flow relayed(
      String reason, String from, long fromIdentity, String to, long toIdentity, int port) {
    return new Flow(
        Instant.parse("2026-12-04T12:00:00Z"),
        reason.equals(PolicyReasons.ALLOWED) ? "allowed" : "dropped",
        reason,
        "ingress",
        "TCP",
        new Flow.Endpoint(Optional.empty(), Optional.empty(), from, fromIdentity, 40312),
        new Flow.Endpoint(Optional.empty(), Optional.empty(), to, toIdentity, port),
        Optional.empty(),
        List.of(),
        List.of(),
        7);
  }

  @Benchmark
  public String toJson() {
    return named.toJson();
  }

  @Benchmark
  public Flow nameCached() {
    return naming.name(repeated);
  }

  @Benchmark
  public Flow nameUncached() {
    return naming.name(distinct[next++ % DISTINCT]);
  }

  /** Runs the three and prints each naming figure beside the JSON baseline of the same run. */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(FlowNamingBenchmark.class.getName());
    }
    Map<String, Double> nsPerFlow = new HashMap<>();
    for (RunResult r : new Runner(options.build()).run()) {
      String method = r.getParams().getBenchmark();
      nsPerFlow.put(method.substring(method.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    double baseline = nsPerFlow.getOrDefault("toJson", Double.NaN);
    System.out.printf(Locale.ROOT, "%n%-28s %12s %18s%n", "", "ns/flow", "× Flow.toJson");
    for (String m : List.of("toJson", "nameCached", "nameUncached")) {
      double ns = nsPerFlow.getOrDefault(m, Double.NaN);
      System.out.printf(Locale.ROOT, "%-28s %12.0f %18.2f%n", m, ns, ns / baseline);
    }
  }
}
