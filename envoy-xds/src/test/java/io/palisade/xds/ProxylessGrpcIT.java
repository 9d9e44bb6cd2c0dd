package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.Attributes;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A real grpc-java server with xDS credentials, fed by the publisher over a real ADS stream on
 * loopback, enforces Cilium's gRPC door-manager policy itself: nothing is served before it holds a
 * Listener; the terminal's allowed method is answered and the rest refused; a policy change is in
 * force on the same connection; and the pod's acks count as its L7 holding the revision.
 */
class ProxylessGrpcIT {

  private static final String POD = "default/cc-door-mgr";

  /** The door manager on 127.0.0.1 (node-a, proxyless), the terminal on .2, an intruder on .3. */
  static DesiredState state(String policy) {
    Pod door =
        new Pod(
            "default",
            "cc-door-mgr",
            Map.of("app", "cc-door-mgr"),
            Optional.empty(),
            Optional.of("127.0.0.1"),
            Set.of());
    List<Workload> workloads =
        List.of(
            new Workload(door, Optional.of("node-a"), List.of("127.0.0.1"), true),
            StarWars.workload(
                "public-terminal", "node-b", "127.0.0.2", Map.of("app", "public-terminal")),
            StarWars.workload("intruder", "node-b", "127.0.0.3", Map.of("app", "intruder")));
    ClusterSnapshot snapshot =
        new ClusterSnapshot(
            List.of(new Namespace("default", Map.of())), workloads, StarWars.rules(policy));
    return new NodeStateComputer(new InMemoryIdentityAllocator()).compute(snapshot);
  }

  @Test
  void thePodsOwnServerEnforcesItsGrpcRulesAndTakesAChangeOnTheSameConnection() throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(90), this::run);
  }

  private void run() throws Exception {
    XdsPublisher publisher = new XdsPublisher(new Target.Envoy());
    Server ads =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(publisher.discoveryServer().getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AtomicInteger connections = new AtomicInteger();
    CompletableFuture<Void> serving = new CompletableFuture<>();
    Server door =
        XdsServerBuilder.forPort(
                port, XdsServerCredentials.create(InsecureServerCredentials.create()))
            .addService(DoorManager.service())
            .addTransportFilter(
                new ServerTransportFilter() {
                  @Override
                  public Attributes transportReady(Attributes attrs) {
                    connections.incrementAndGet();
                    return attrs;
                  }
                })
            .xdsServingStatusListener(
                new XdsServerBuilder.XdsServingStatusListener() {
                  @Override
                  public void onServing() {
                    serving.complete(null);
                  }

                  @Override
                  public void onNotServing(Throwable t) {}
                })
            .overrideBootstrapForTest(DoorManager.bootstrap("127.0.0.1:" + ads.getPort(), POD))
            .build();
    // start() returns once the server has its first answer about its listener; there is none yet.
    CompletableFuture<Void> started =
        CompletableFuture.runAsync(
            () -> {
              try {
                door.start();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    ManagedChannel probe = DoorManager.channel("127.0.0.1", port, "127.0.0.2");
    ManagedChannel terminal = null;
    ManagedChannel intruder = null;
    try {
      // Before any config: the server does not answer at all (its port is not even bound).
      Thread.sleep(1500);
      assertThat(serving).isNotDone();
      assertThat(DoorManager.call(probe, "GetName")).isEqualTo("UNAVAILABLE");
      assertThat(publisher.ackedRevision(POD)).isEqualTo(-1);
      probe.shutdownNow();

      publisher.publish(
          1, NodeChanges.of(state(L7Policies.ccDoor(port, "GetName", "GetLocation"))));
      serving.get(30, TimeUnit.SECONDS);
      started.get(30, TimeUnit.SECONDS);
      terminal = DoorManager.channel("127.0.0.1", port, "127.0.0.2");
      intruder = DoorManager.channel("127.0.0.1", port, "127.0.0.3");
      assertThat(publisher.proxylessPods("node-a")).containsExactly(POD);
      // Its rules are the pod's, not the node's proxy's.
      assertThat(publisher.current("node-a").orElseThrow().routes()).isEmpty();

      assertThat(DoorManager.call(terminal, "GetName")).isEqualTo("GetName");
      assertThat(DoorManager.call(terminal, "GetLocation")).isEqualTo("GetLocation");
      assertThat(DoorManager.call(terminal, "RequestMaintenance")).isEqualTo("PERMISSION_DENIED");
      assertThat(DoorManager.call(intruder, "GetName")).isEqualTo("PERMISSION_DENIED");
      awaitAcked(publisher, 1);
      int before = connections.get();

      // The terminal may now ask for maintenance too: routes change, the listener stays.
      publisher.publish(
          2,
          NodeChanges.of(
              state(L7Policies.ccDoor(port, "GetName", "GetLocation", "RequestMaintenance"))));
      awaitAcked(publisher, 2);
      assertThat(DoorManager.call(terminal, "RequestMaintenance")).isEqualTo("RequestMaintenance");
      assertThat(DoorManager.call(terminal, "GetName")).isEqualTo("GetName");
      assertThat(DoorManager.call(intruder, "RequestMaintenance")).isEqualTo("PERMISSION_DENIED");
      assertThat(connections.get()).as("the same connections, none opened again").isEqualTo(before);
      assertThat(publisher.enforcedCount(List.of(POD), 2)).isEqualTo(1);
      assertThat(publisher.failure(POD)).isEmpty();

      // Rules the pod's server cannot enforce: refused for the pod, kept for the node's proxy.
      publisher.publish(
          3,
          NodeChanges.of(
              state(L7Policies.ccDoor(port, "GetName").replace("method: POST", "method: GET"))));
      assertThat(publisher.failure(POD))
          .hasValueSatisfying(
              m ->
                  assertThat(m)
                      .contains("refused (its L7 rules stay with the node's proxy)")
                      .contains(".method: \"GET\" never matches a gRPC call"));
      assertThat(publisher.current("node-a").orElseThrow().routes()).hasSize(1);
      assertThat(publisher.ackedRevision(POD)).isEqualTo(2);
    } finally {
      for (ManagedChannel c : new ManagedChannel[] {probe, terminal, intruder}) {
        if (c != null) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      door.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      ads.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      publisher.close();
    }
  }

  private static void awaitAcked(XdsPublisher publisher, long revision)
      throws InterruptedException {
    while (publisher.ackedRevision(POD) < revision) {
      Thread.sleep(10); // The hang guard bounds this.
    }
  }
}
