package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeStateServerTest {

  private final NodeStateComputer computer = new NodeStateComputer(new InMemoryIdentityAllocator());
  private final NodeStateStore store = new NodeStateStore("epoch-1", 64);
  private final List<TestDaemon> daemons = new ArrayList<>();
  private NodeStateServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0), store, NodeStateSecurity.insecurePlainText());
  }

  @AfterEach
  void stop() throws Exception {
    for (TestDaemon d : daemons) {
      d.close();
    }
    server.close();
  }

  private TestDaemon daemon(boolean autoAck, boolean slow) {
    TestDaemon d = new TestDaemon(server.port(), autoAck, slow);
    daemons.add(d);
    return d;
  }

  private DesiredState state(List<Workload> workloads, String... policies) {
    return computer.compute(StarWars.snapshot(workloads, policies));
  }

  @Test
  void aDaemonGetsASnapshotThenDeltasAndItsAcksAreRecorded() {
    store.publish(state(StarWars.workloads()));
    TestDaemon d = daemon(false, false).hello("node-a", "", 0);

    await().until(() -> d.received.size() == 1);
    OperatorMessage first = d.received.getFirst();
    assertThat(first.getKindCase()).isEqualTo(OperatorMessage.KindCase.SNAPSHOT);
    assertThat(first.getEpoch()).isEqualTo("epoch-1");
    assertThat(first.getSnapshot().getEndpoints(0).getId()).isEqualTo("default/deathstar");
    d.ack(first.getRevision(), "");
    await().until(() -> store.status("node-a").orElseThrow().ackedRevision() == 1);

    long r2 = store.publish(state(StarWars.workloads(), StarWars.RULE1));
    await().until(() -> d.received.size() == 2);
    OperatorMessage second = d.received.get(1);
    assertThat(second.getRevision()).isEqualTo(r2);
    assertThat(second.getDelta().getBaseRevision()).isEqualTo(1);
    assertThat(store.enforcedCount(List.of("node-a"), r2)).isZero();
    d.ack(r2, "");
    await().until(() -> store.enforcedCount(List.of("node-a"), r2) == 1);
    assertThat(store.status("node-a").orElseThrow().connected()).isTrue();
  }

  @Test
  void aReconnectingDaemonGetsOnlyWhatItMissed() throws Exception {
    store.publish(state(StarWars.workloads()));
    TestDaemon first = daemon(true, false).hello("node-a", "", 0);
    await().until(() -> store.effectiveRevision("node-a") == 1);
    first.disconnect();
    first.close();
    long r2 = store.publish(state(StarWars.workloads(), StarWars.RULE1));

    TestDaemon again = daemon(true, false).hello("node-a", "epoch-1", 1);
    await().until(() -> again.lastRevision() == r2);
    assertThat(again.received).hasSize(1);
    assertThat(again.received.getFirst().getDelta().getBaseRevision()).isEqualTo(1);

    TestDaemon current = daemon(true, false).hello("node-a", "epoch-1", r2);
    Thread.sleep(200);
    assertThat(current.received).isEmpty();
  }

  @Test
  void aDaemonOfAnotherEpochGetsASnapshot() {
    store.publish(state(StarWars.workloads()));
    TestDaemon d = daemon(true, false).hello("node-b", "old-operator", 1);
    await().until(() -> d.received.size() == 1);
    assertThat(d.received.getFirst().getKindCase()).isEqualTo(OperatorMessage.KindCase.SNAPSHOT);
    assertThat(d.received.getFirst().getSnapshot().getEndpointsCount()).isEqualTo(2);
  }

  @Test
  void aStreamThatDoesNotStartWithHelloIsRefused() {
    TestDaemon d = daemon(false, false);
    d.hello("", "", 0);
    await().until(() -> d.error != null);
    assertThat(d.error).hasMessageContaining("INVALID_ARGUMENT");
  }

  @Test
  void aSlowNodeNeverStallsTheOthers() {
    TestDaemon slow = daemon(true, true).hello("slow", "", 0);
    TestDaemon fast = daemon(true, false).hello("fast", "", 0);
    await().until(() -> server.service().openStreams() == 2);
    // Both hold the empty revision-0 snapshot before the flood starts.
    await().until(() -> slow.received.size() == 1 && fast.received.size() == 1);

    // Each revision rewrites 2,000 ipcache entries: far more than the slow stream's window.
    long last = 0;
    for (int r = 0; r < 100; r++) {
      Map<String, Long> ipcache = new HashMap<>();
      for (int i = 0; i < 2000; i++) {
        ipcache.put("10." + (i / 250) + "." + (i % 250) + ".1/32", 256L + r);
      }
      last =
          store.publish(
              new DesiredState(
                  ipcache, Map.of("slow", LocalState.EMPTY, "fast", LocalState.EMPTY), Map.of()));
    }
    long target = last;
    await().atMost(Duration.ofSeconds(20)).until(() -> fast.lastRevision() == target);
    assertThat(store.effectiveRevision("fast")).isEqualTo(target);
    assertThat(slow.lastRevision()).isLessThan(target);

    slow.readOn();
    await().atMost(Duration.ofSeconds(20)).until(() -> slow.lastRevision() == target);
    await().until(() -> store.effectiveRevision("slow") == target);
  }

  @Test
  void aNodeWaitingForItsPlaceInTheGateHasItsSnapshotMadeOnlyWhenItsTurnComes() throws Exception {
    NodeStateService oneAtATime =
        new NodeStateService(store, Executors.newVirtualThreadPerTaskExecutor(), false, 1);
    Server gated =
        GrpcServers.build(
                new InetSocketAddress("127.0.0.1", 0),
                oneAtATime,
                NodeStateSecurity.insecurePlainText())
            .start();
    try {
      TestDaemon first = new TestDaemon(gated.getPort(), false, false).hello("a", "", 0);
      daemons.add(first);
      await().until(() -> first.received.size() == 1);
      TestDaemon second = new TestDaemon(gated.getPort(), true, false).hello("b", "", 0);
      daemons.add(second);
      await().until(() -> oneAtATime.openStreams() == 2);
      // b waits for a's ack: nothing made for it yet.
      assertThat(oneAtATime.snapshotCosts().made()).isEqualTo(1);
      assertThat(second.received).isEmpty();

      first.ack(first.lastRevision(), "");
      await().until(() -> second.received.size() == 1);
      assertThat(oneAtATime.snapshotCosts().made()).isEqualTo(2);
      assertThat(oneAtATime.snapshotCosts().sent()).isEqualTo(2);
    } finally {
      GrpcServers.stop(gated);
    }
  }
}
