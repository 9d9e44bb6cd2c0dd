package io.palisade.benchmarks;

import io.palisade.policy.identity.Identity;
import io.palisade.policy.resolve.PolicyEngine;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Full resolution of the standard workload: every subject's MapState from nothing. The engine
 * builds its selector cache as it is told each identity and then computes each policy; the naive
 * baseline computes the same MapStates straight from the rules.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class FullResolutionBenchmark {

  private Workload workload;
  private List<Identity> subjects;

  @Setup(Level.Trial)
  public void generate() {
    workload = Workload.standard();
    subjects = subjectIdentities(workload);
  }

  /** A new engine over 1,000 rules, told 3,000 identities, asked every subject's policy. */
  @Benchmark
  public PolicyEngine engine() {
    return resolveAll(workload);
  }

  /** The same on one core: each subject's policy in turn, as before the engine used both. */
  @Benchmark
  public PolicyEngine engineOneCore() {
    PolicyEngine engine = workload.loadEngine();
    for (long subject : workload.subjects()) {
      engine.policyFor(subject);
    }
    return engine;
  }

  /**
   * The same MapStates from the rules, one subject at a time, without a selector cache. One call
   * takes tens of seconds, so it is timed as single shots: one to warm up, three measured.
   */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public void naive(Blackhole bh) {
    NaiveResolver naive =
        new NaiveResolver(workload.rules(), workload.identities(), workload.namedPorts());
    for (Identity subject : subjects) {
      bh.consume(naive.mapState(subject));
    }
  }

  /** The engine's full resolution; the engine it returns holds every subject's policy. */
  static PolicyEngine resolveAll(Workload workload) {
    PolicyEngine engine = workload.loadEngine();
    computePolicies(engine, workload);
    return engine;
  }

  /** Every subject's policy, computed side by side on the available cores. */
  static void computePolicies(PolicyEngine engine, Workload workload) {
    engine.policiesFor(workload.subjects());
  }

  static List<Identity> subjectIdentities(Workload workload) {
    java.util.Set<Long> ids = new java.util.HashSet<>(workload.subjects());
    return workload.pods().stream()
        .map(Workload.PodIdentity::identity)
        .filter(i -> ids.contains(i.id()))
        .toList();
  }
}
