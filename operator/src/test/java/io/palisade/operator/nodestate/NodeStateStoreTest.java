package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.proto.codec.IpcachePacking;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeStateStoreTest {

  private final NodeStateComputer computer = new NodeStateComputer(new InMemoryIdentityAllocator());
  private final NodeStateStore store = new NodeStateStore("epoch-1", 4);

  private DesiredState state(List<Workload> workloads, String... policies) {
    return computer.compute(StarWars.snapshot(workloads, policies));
  }

  @Test
  void aNewNodeGetsASnapshotThenDeltasBasedOnWhatItHolds() {
    assertThat(store.publish(state(StarWars.workloads()))).isEqualTo(1);
    OperatorMessage first = store.next("node-a", -1).orElseThrow();
    assertThat(first.getKindCase()).isEqualTo(OperatorMessage.KindCase.SNAPSHOT);
    assertThat(first.getRevision()).isEqualTo(1);
    assertThat(first.getSnapshot().getIpcacheCount()).isZero();
    assertThat(IpcachePacking.unpack(first.getSnapshot().getPackedIpcache())).hasSize(3);
    assertThat(first.getSnapshot().getEndpoints(0).getEnforceIngress()).isFalse();
    assertThat(store.next("node-a", 1)).isEmpty();

    assertThat(store.publish(state(StarWars.workloads(), StarWars.RULE1))).isEqualTo(2);
    OperatorMessage delta = store.next("node-a", 1).orElseThrow();
    assertThat(delta.getRevision()).isEqualTo(2);
    assertThat(delta.getDelta().getBaseRevision()).isEqualTo(1);
    assertThat(delta.getDelta().getEndpointUpserts(0).getEnforceIngress()).isTrue();
    assertThat(delta.getDelta().getPolicyChangesCount()).isEqualTo(1);
    assertThat(delta.getDelta().getPolicyChanges(0).getReplace()).isFalse();
    assertThat(delta.getDelta().getIpcacheUpsertsCount()).isZero();
  }

  @Test
  void anUnchangedStateIsNoNewRevisionAndOnlyChangedNodesMove() {
    store.publish(state(StarWars.workloads()));
    assertThat(store.publish(state(StarWars.workloads()))).isEqualTo(1);
    // rule1 selects only the deathstar: node-b's state is unchanged.
    assertThat(store.publish(state(StarWars.workloads(), StarWars.RULE1))).isEqualTo(2);
    assertThat(store.next("node-b", 1)).isEmpty();
    assertThat(store.status("node-b").orElseThrow().revision()).isEqualTo(1);
  }

  @Test
  void aNodeTooFarBehindGetsASnapshot() {
    List<Workload> w = new ArrayList<>(StarWars.workloads());
    store.publish(state(w));
    for (int i = 0; i < 6; i++) {
      w.add(StarWars.workload("pod" + i, "node-a", "10.42.1." + i, Map.of("n", "" + i)));
      store.publish(state(w));
    }
    assertThat(store.revision()).isEqualTo(7);
    assertThat(store.next("node-a", 1).orElseThrow().getKindCase())
        .isEqualTo(OperatorMessage.KindCase.SNAPSHOT);
    assertThat(store.next("node-a", 5).orElseThrow().getDelta().getBaseRevision()).isEqualTo(5);
  }

  @Test
  void acksMakeANodeEnforceEveryRevisionSinceItsLastChange() {
    store.publish(state(StarWars.workloads()));
    long r2 = store.publish(state(StarWars.workloads(), StarWars.RULE1));
    assertThat(store.enforcedCount(Set.of("node-a", "node-b"), r2)).isZero();
    store.ack("node-a", 2, "");
    store.ack("node-b", 1, "");
    // node-b's state did not change at revision 2, so holding revision 1 it holds revision 2.
    assertThat(store.effectiveRevision("node-b")).isEqualTo(2);
    assertThat(store.enforcedCount(Set.of("node-a", "node-b"), r2)).isEqualTo(2);
    assertThat(store.effectiveRevision("node-z")).isEqualTo(-1);
  }

  @Test
  void aNackIsRecordedAndAFutureRevisionIsIgnored() {
    store.publish(state(StarWars.workloads()));
    store.ack("node-a", 1, "map full");
    assertThat(store.status("node-a").orElseThrow().lastError()).isEqualTo("map full");
    assertThat(store.effectiveRevision("node-a")).isZero();
    store.ack("node-a", 9, "");
    assertThat(store.status("node-a").orElseThrow().ackedRevision()).isZero();
  }

  @Test
  void aNodeWithPendingEndpointsEnforcesNothingUntilItAcksWithoutThem() {
    long r1 = store.publish(state(StarWars.workloads()));
    store.ack("node-a", r1, "");
    assertThat(store.enforcedCount(Set.of("node-a"), r1)).isEqualTo(1);

    // The revision acked before loses an endpoint: the node no longer counts as enforcing it.
    String why = "1 endpoint not enforced yet: default/tiefighter 10.42.1.2 (no host route)";
    store.ack("node-a", r1, why, true);
    assertThat(store.enforcedCount(Set.of("node-a"), r1)).isZero();
    assertThat(store.failure("node-a", r1)).contains(why);

    store.ack("node-a", r1, "");
    assertThat(store.enforcedCount(Set.of("node-a"), r1)).isEqualTo(1);
    assertThat(store.failure("node-a", r1)).isEmpty();
  }

  @Test
  void helloFromAnotherEpochOrAnUnknownRevisionMeansSnapshot() {
    store.publish(state(StarWars.workloads()));
    assertThat(store.connect("node-a", "epoch-0", 1)).isEqualTo(-1);
    assertThat(store.connect("node-a", "epoch-1", 5)).isEqualTo(-1);
    assertThat(store.connect("node-a", "epoch-1", 1)).isEqualTo(1);
    assertThat(store.status("node-a").orElseThrow().ackedRevision()).isEqualTo(1);
  }

  @Test
  void aConnectedNodeWithoutEndpointsStillGetsTheIpcache() {
    store.publish(state(StarWars.workloads()));
    store.connect("node-c", "", 0);
    OperatorMessage m = store.next("node-c", -1).orElseThrow();
    assertThat(IpcachePacking.unpack(m.getSnapshot().getPackedIpcache())).hasSize(3);
    assertThat(m.getSnapshot().getEndpointsCount()).isZero();
    List<Workload> more = new ArrayList<>(StarWars.workloads());
    more.add(StarWars.workload("probe", "node-a", "10.42.0.99", Map.of("a", "b")));
    long r = store.publish(state(more));
    OperatorMessage d = store.next("node-c", m.getRevision()).orElseThrow();
    assertThat(d.getRevision()).isEqualTo(r);
    assertThat(d.getDelta().getIpcacheUpserts(0).getPrefix()).isEqualTo("10.42.0.99/32");
  }

  @Test
  void everySnapshotSharesOnePackedIpcacheUntilTheIpcacheChanges() {
    store.publish(state(StarWars.workloads()));
    var a = store.next("node-a", -1).orElseThrow().getSnapshot().getPackedIpcache();
    var b = store.next("node-b", -1).orElseThrow().getSnapshot().getPackedIpcache();
    // The same bytes, made once: not an equal copy per node.
    assertThat(b.getDeflated()).isSameAs(a.getDeflated());
    assertThat(a.getVersion()).isEqualTo(store.ipcacheVersion()).isPositive();

    List<Workload> more = new ArrayList<>(StarWars.workloads());
    more.add(StarWars.workload("probe", "node-a", "10.42.0.99", Map.of("a", "b")));
    long r = store.publish(state(more));
    OperatorMessage d = store.next("node-b", 1).orElseThrow();
    assertThat(d.getDelta().getIpcacheVersion()).isEqualTo(a.getVersion() + 1);
    var after = store.next("node-b", -1).orElseThrow().getSnapshot().getPackedIpcache();
    assertThat(after.getVersion()).isEqualTo(a.getVersion() + 1);
    assertThat(IpcachePacking.unpack(after)).hasSize(4);
    assertThat(r).isEqualTo(2);
  }

  @Test
  void aNodeHoldingTheCurrentIpcacheKeepsItAndAnOlderOneGetsItAgain() {
    store.publish(state(StarWars.workloads()));
    long version = store.ipcacheVersion();
    var kept = store.next("node-a", -1, version).orElseThrow().getSnapshot();
    assertThat(kept.getIpcacheKept()).isTrue();
    assertThat(kept.hasPackedIpcache()).isFalse();
    assertThat(kept.getIpcacheCount()).isZero();
    assertThat(kept.getEndpointsCount()).isPositive();

    var stale = store.next("node-a", -1, version + 7).orElseThrow().getSnapshot();
    assertThat(stale.getIpcacheKept()).isFalse();
    assertThat(IpcachePacking.unpack(stale.getPackedIpcache())).hasSize(3);
  }
}
