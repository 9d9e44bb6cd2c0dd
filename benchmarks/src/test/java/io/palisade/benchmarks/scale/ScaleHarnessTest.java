package io.palisade.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.policy.identity.CidrPrefix;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The scale harness at toy scale: acks of every change really arrive, and afterwards each daemon
 * holds exactly what the operator desires for its node. Nothing here is timed.
 */
class ScaleHarnessTest {

  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  /** A node's state in one form for both sides: ipcache, endpoints and policies by identity. */
  private record Contents(
      Map<String, Long> ipcache, Map<String, Long> endpoints, Map<Long, Object> policies) {}

  @Test
  void everyChangeIsAckedAndEveryDaemonEndsWithItsNodesDesiredState() throws Exception {
    ScaleShape shape = ScaleShape.toy();
    AtomicReference<DaemonFleet> fleet = new AtomicReference<>();
    try (ScaleRun run = new ScaleRun(shape, new HeapProbe(), QUIET)) {
      run.load();
      run.firstRun();
      run.sync(
          target -> {
            fleet.set(new DaemonFleet(target, run.nodes(), true, false));
            return fleet.get();
          });
      assertThat(run.syncTraffic().messages()).isGreaterThanOrEqualTo(shape.nodes());

      PhaseResult pipeline = run.phase(run.pipelinePublication(), 2, 20, Duration.ofMinutes(5));
      PhaseResult full = run.phase(run.fullRecompute(), 1, 3, Duration.ofMinutes(5));

      assertThat(pipeline.changeToAcks().count()).isEqualTo(20);
      assertThat(full.changeToAcks().count()).isEqualTo(3);
      assertThat(pipeline.nodes().mean()).isPositive();
      assertThat(pipeline.messages()).isPositive();
      assertThat(pipeline.kinds().keySet()).contains(PolicyChanges.Kind.PORT);
      assertThat(pipeline.kinds().values().stream().mapToInt(k -> k.changeToAcks().count()).sum())
          .isEqualTo(pipeline.changeToAcks().count());
      assertThat(run.mismatches(true)).isEmpty();

      var store = run.store();
      Map<String, java.util.Optional<DatapathState>> held = fleet.get().states();
      assertThat(held.keySet()).containsExactlyInAnyOrderElementsOf(run.nodes());
      for (String node : run.nodes()) {
        assertThat(held.get(node)).as(node).isPresent();
        assertThat(ofDaemon(held.get(node).get()))
            .as(node)
            .isEqualTo(ofOperator(store.ipcache(), store.local(node)));
        assertThat(store.local(node).endpoints()).hasSize(shape.pods() / shape.nodes());
      }
    }
  }

  @Test
  void acksOfDaemonsThatBuildNoStateArriveForEveryChange() throws Exception {
    ScaleShape shape = ScaleShape.toy();
    try (ScaleRun run = new ScaleRun(shape, new HeapProbe(), QUIET)) {
      run.load();
      run.firstRun();
      run.sync(target -> new DaemonFleet(target, run.nodes(), false, true));
      assertThat(run.syncTraffic().messages()).isGreaterThanOrEqualTo(shape.nodes());

      PhaseResult pipeline = run.phase(run.pipelinePublication(), 2, 20, Duration.ofMinutes(5));

      assertThat(pipeline.changeToAcks().count()).isEqualTo(20);
      assertThat(run.mismatches(false)).isEmpty();
      assertThat(run.fleet().applied().values())
          .allSatisfy(a -> assertThat(a.counts()).isEqualTo(NodeCounts.NONE));
    }
  }

  private static Contents ofDaemon(DatapathState s) {
    Map<String, Long> ipcache = new TreeMap<>();
    s.ipcache().forEach((prefix, id) -> ipcache.put(prefix.toString(), id));
    Map<String, Long> endpoints = new TreeMap<>();
    for (LocalEndpoint e : s.endpoints()) {
      endpoints.put(e.address().toString(), e.identity());
    }
    Map<Long, Object> policies = new TreeMap<>();
    s.policies().forEach((id, p) -> policies.put(id, Map.of(p.enforced(), p.entries())));
    return new Contents(ipcache, endpoints, policies);
  }

  private static Contents ofOperator(Map<String, Long> ipcache, LocalState local) {
    Map<String, Long> endpoints = new TreeMap<>();
    for (EndpointState e : local.endpoints().values()) {
      for (String address : e.addresses()) {
        String host = CidrPrefix.host(CidrPrefix.parseAddress(address).orElseThrow()).toString();
        endpoints.put(host, e.identity());
      }
    }
    Map<Long, Object> policies = new TreeMap<>();
    for (IdentityPolicy p : local.policies().values()) {
      policies.put(p.identity(), Map.of(Set.copyOf(p.enforced()), p.entries()));
    }
    return new Contents(new TreeMap<>(ipcache), endpoints, policies);
  }
}
