package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.node.discovery.Placement;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.pipeline.L7Proxy;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.Verdict;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node daemon's real {@link NodeStateClient} against the operator's real server on loopback.
 */
class NodeDaemonStreamTest {

  private final NodeStateComputer computer = new NodeStateComputer(new InMemoryIdentityAllocator());
  private final NodeStateStore store = new NodeStateStore("epoch-1", 64);
  private final List<DatapathState> applied = new CopyOnWriteArrayList<>();
  private final PrintStream log = new PrintStream(PrintStream.nullOutputStream());
  private NodeStateServer server;
  private NodeStateClient client;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private io.palisade.pipeline.model.DesiredState state(String... policies) {
    return computer.compute(StarWars.snapshot(StarWars.workloads(), policies));
  }

  private NodeStateClient client(int port) {
    return new NodeStateClient(
        "node-a",
        NodeStateClient.insecureChannel("127.0.0.1:" + port),
        desired -> {
          applied.add(desired);
          return Map.of();
        },
        (endpoint, p) ->
            p.equals(host("10.42.0.10"))
                ? new Placement.Here("lxc-deathstar")
                : new Placement.Pending("not on node-a"),
        Optional.of(dir.resolve("node-state.pb")),
        log,
        Duration.ofMillis(50),
        Duration.ofMillis(200));
  }

  private long acked() {
    return store.status("node-a").map(NodeStateStore.NodeStatus::ackedRevision).orElse(-1L);
  }

  @Test
  void snapshotThenDeltaAppliedAndAckedAndAReconnectResumesFromTheLastRevision() throws Exception {
    long r1 = store.publish(state());
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0), store, NodeStateSecurity.insecurePlainText());
    int port = server.port();
    client = client(port).start();

    await().until(() -> acked() == r1);
    DatapathState s1 = applied.getLast();
    long deathstar = s1.ipcache().get(host("10.42.0.10"));
    long tiefighter = s1.ipcache().get(host("10.42.0.11"));
    long xwing = s1.ipcache().get(host("10.42.0.12"));
    assertThat(s1.endpoints())
        .containsExactly(new LocalEndpoint(host("10.42.0.10"), deathstar, "lxc-deathstar"));
    assertThat(s1.policies().get(deathstar).enforces(Direction.INGRESS)).isFalse();

    long r2 = store.publish(state(StarWars.RULE1));
    await().until(() -> acked() == r2);
    DatapathState s2 = applied.getLast();
    assertThat(s2.policies().get(deathstar).enforces(Direction.INGRESS)).isTrue();
    assertThat(verdict(s2, deathstar, tiefighter)).contains(Verdict.ALLOW);
    assertThat(verdict(s2, deathstar, xwing)).isEmpty();
    assertThat(store.enforcedCount(List.of("node-a"), r2)).isEqualTo(1);

    // The operator's server goes away; a revision is published meanwhile; the server comes back.
    server.close();
    long r3 = store.publish(state());
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", port), store, NodeStateSecurity.insecurePlainText());
    await().atMost(Duration.ofSeconds(10)).until(() -> acked() == r3);
    assertThat(client.revision()).isEqualTo(r3);
    assertThat(applied.getLast().policies().get(deathstar).enforces(Direction.INGRESS)).isFalse();
    assertThat(applied).hasSize(3); // the delta r2 -> r3 only: nothing applied twice

    // A restarted daemon resumes from the revision in its state file: nothing is re-sent.
    client.close();
    client = client(port);
    assertThat(client.revision()).isEqualTo(r3);
    assertThat(client.epoch()).isEqualTo("epoch-1");
    client.start();
    long r4 = store.publish(state(StarWars.RULE1));
    await().until(() -> acked() == r4);
    assertThat(applied).hasSize(4);
    assertThat(verdict(applied.getLast(), deathstar, tiefighter)).contains(Verdict.ALLOW);
  }

  @Test
  void theHelloSaysWhoEnforcesTheNodesL7Rules() throws Exception {
    long r1 = store.publish(state());
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0), store, NodeStateSecurity.insecurePlainText());
    client = client(server.port()).announcing(L7Proxy.EMBEDDED).start();
    await().until(() -> acked() == r1);
    assertThat(store.l7Proxy("node-a")).isEqualTo(L7Proxy.EMBEDDED);
    client.close();

    // A daemon that announces nothing (one that predates the field, too) enforces no L7 rule.
    client = client(server.port()).start();
    await().until(() -> store.l7Proxy("node-a") == L7Proxy.NONE);
  }

  private static Optional<Verdict> verdict(DatapathState s, long subject, long peer) {
    return s.policies()
        .get(subject)
        .mapState()
        .lookup(Direction.INGRESS, peer, 6, 80)
        .map(m -> m.entry().verdict());
  }

  private static CidrPrefix host(String ip) {
    return CidrPrefix.parse(ip).orElseThrow();
  }
}
