package io.palisade.benchmarks;

import io.palisade.policy.identity.Identity;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.resolve.EndpointPolicy;
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

/**
 * One endpoint's policy regenerated from scratch over 1,000 rules and 3,000 identities: the shape
 * of Cilium's {@code BenchmarkRegeneratePolicyRules}. The engine's selector cache is warm, as an
 * agent's is; each operation resolves the next subject in turn. The baseline resolves the same
 * subject straight from the rules.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class OneEndpointBenchmark {

  private PolicyEngine engine;
  private NaiveResolver naive;
  private List<Identity> subjects;
  private int next;

  @Setup(Level.Trial)
  public void load() {
    Workload workload = Workload.standard();
    engine = workload.loadEngine();
    naive = new NaiveResolver(workload.rules(), workload.identities(), workload.namedPorts());
    subjects = FullResolutionBenchmark.subjectIdentities(workload);
  }

  private Identity nextSubject() {
    Identity s = subjects.get(next);
    next = (next + 1) % subjects.size();
    return s;
  }

  @Benchmark
  public EndpointPolicy engine() {
    return engine.resolve(nextSubject().id());
  }

  @Benchmark
  public MapState naive() {
    return naive.mapState(nextSubject());
  }
}
