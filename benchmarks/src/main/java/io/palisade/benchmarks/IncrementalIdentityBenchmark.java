package io.palisade.benchmarks;

import io.palisade.policy.resolve.PolicyEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One pod identity added to a cluster whose policies are all computed: a new version or canary of
 * an existing app appears. The engine updates every policy that selects it as a peer and computes
 * its own policy if a rule selects it; the baseline recomputes every policy from scratch with the
 * identity added. Each invocation adds the next of {@link Workload#ARRIVALS} spare identities, and
 * the engine state takes it away again outside the measurement.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IncrementalIdentityBenchmark {

  /** The standard workload and the next identity to add. */
  @State(Scope.Benchmark)
  public static class Arrivals {
    Workload workload;
    Workload.PodIdentity arriving;
    boolean arrivingIsSubject;
    private int next;

    @Setup(Level.Trial)
    public void generate() {
      workload = Workload.standard();
    }

    @Setup(Level.Invocation)
    public void pick() {
      arriving = workload.arrivals().get(next++ % workload.arrivals().size());
      arrivingIsSubject = workload.isSubject(arriving.identity());
    }
  }

  /** An engine holding every subject's computed policy. */
  @State(Scope.Benchmark)
  public static class Resolved {
    PolicyEngine engine;
    private Arrivals arrivals;

    @Setup(Level.Trial)
    public void resolve(Arrivals a) {
      arrivals = a;
      engine = FullResolutionBenchmark.resolveAll(a.workload);
    }

    @TearDown(Level.Invocation)
    public void leave() {
      engine.removeIdentity(arrivals.arriving.identity().id());
    }
  }

  @Benchmark
  public void engine(Arrivals a, Resolved r, Blackhole bh) {
    bh.consume(r.engine.upsertIdentity(a.arriving.identity(), a.arriving.ports()));
    if (a.arrivingIsSubject) {
      bh.consume(r.engine.policyFor(a.arriving.identity().id()));
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  public PolicyEngine recomputeAll(Arrivals a) {
    PolicyEngine engine = a.workload.loadEngine();
    engine.upsertIdentity(a.arriving.identity(), a.arriving.ports());
    FullResolutionBenchmark.computePolicies(engine, a.workload);
    if (a.arrivingIsSubject) {
      engine.policyFor(a.arriving.identity().id());
    }
    return engine;
  }
}
