package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Topology;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
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
import io.palisade.xds.DoorManager;
import io.palisade.xds.Proxyless;
import io.palisade.xds.Target;
import io.palisade.xds.XdsPublisher;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Proxyless gRPC behind the datapath: a grpc-java xDS server listens in the door manager's pod
 * namespace (its socket opened there), fetches its config from Palisade's xDS server as {@code
 * default/cc-door-mgr}, and enforces Cilium's door-manager rules itself while the node's datapath
 * holds the same policy's datapath view (the pod's redirects as plain allows). The terminal's
 * allowed method is answered and the other refused with PERMISSION_DENIED; a policy change is in
 * force on the same TCP connection; an intruder the policy does not name is dropped by the datapath
 * before any gRPC server sees it. The server's own xDS client reaches the xDS server over the test
 * JVM's loopback; the calls under test run pod to pod through the datapath.
 */
class ProxylessGrpcDatapathIT {

  private static final String NODE = "local";
  private static final String POD = "default/cc-door-mgr";
  private static final String DOOR = "10.42.0.30";
  private static final String TERMINAL = "10.42.0.31";
  private static final String INTRUDER = "10.42.0.32";
  private static final int PORT = 50051;

  @Test
  void thePodsServerEnforcesItsRulesBehindTheDatapathAndTakesAChangeOnTheSameConnection()
      throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    try (BpfFsGuard bpfFs = new BpfFsGuard();
        Topology t =
            Topology.create(
                run,
                List.of(
                    new PodSpec("default", "cc-door-mgr", Map.of("app", "cc-door-mgr"), DOOR),
                    new PodSpec("default", "terminal", Map.of("app", "public-terminal"), TERMINAL),
                    new PodSpec("default", "intruder", Map.of("app", "intruder"), INTRUDER)),
                List.of())) {
      try (Datapath dp = t.node().call(() -> Datapath.open(pins))) {
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> scenario(t, dp));
      } finally {
        Datapath.unpinAll(pins);
      }
    }
  }

  private void scenario(Topology t, Datapath dp) throws Exception {
    XdsPublisher publisher = new XdsPublisher(new Target.Envoy());
    DatapathApplier applier = new DatapathApplier(dp, NODE, t.finder());
    EventLoopGroup loop = new NioEventLoopGroup(2);
    Server ads =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(publisher.discoveryServer().getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
    Server door = null;
    ManagedChannel terminal = null;
    ManagedChannel intruder = null;
    try {
      long r1 = publish(t, applier, publisher, "GetName", "GetLocation");
      assertThat(applier.pending()).isEmpty();

      AtomicInteger connections = new AtomicInteger();
      ConcurrentLinkedQueue<String> callers = new ConcurrentLinkedQueue<>();
      door = doorServer(t.pod(POD).netns(), loop, ads.getPort(), connections, callers);
      terminal = channel(t.pod("default/terminal").netns(), loop);
      intruder = channel(t.pod("default/intruder").netns(), loop);
      awaitAcked(publisher, r1);

      assertThat(DoorManager.call(terminal, "GetName")).isEqualTo("GetName");
      assertThat(DoorManager.call(terminal, "GetLocation")).isEqualTo("GetLocation");
      assertThat(DoorManager.call(terminal, "RequestMaintenance")).isEqualTo("PERMISSION_DENIED");
      assertThat(callers).isNotEmpty().allSatisfy(c -> assertThat(c).startsWith("/" + TERMINAL));
      String connection = callers.peek();
      int accepted = connections.get();
      assertThat(accepted).isEqualTo(1);

      // The intruder is not named by the policy: the datapath drops it, no server answers.
      long dropped = ingressDrops(dp);
      assertThat(DoorManager.call(intruder, "GetName")).isIn("UNAVAILABLE", "DEADLINE_EXCEEDED");
      assertThat(ingressDrops(dp)).as("policy_denied drops at the door").isGreaterThan(dropped);
      assertThat(connections.get()).isEqualTo(accepted);

      // The terminal may now ask for maintenance: new routes, the same connection.
      long r2 = publish(t, applier, publisher, "GetName", "GetLocation", "RequestMaintenance");
      awaitAcked(publisher, r2);
      assertThat(DoorManager.call(terminal, "RequestMaintenance")).isEqualTo("RequestMaintenance");
      assertThat(DoorManager.call(terminal, "GetName")).isEqualTo("GetName");
      assertThat(callers).allSatisfy(c -> assertThat(c).isEqualTo(connection));
      assertThat(connections.get()).as("no connection accepted again").isEqualTo(accepted);
      assertThat(publisher.failure(POD)).isEmpty();

      long dropped2 = ingressDrops(dp);
      assertThat(DoorManager.call(intruder, "RequestMaintenance"))
          .isIn("UNAVAILABLE", "DEADLINE_EXCEEDED");
      assertThat(ingressDrops(dp)).isGreaterThan(dropped2);
    } finally {
      for (ManagedChannel c : new ManagedChannel[] {terminal, intruder}) {
        if (c != null) {
          c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
      if (door != null) {
        door.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      ads.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  /**
   * The door manager's xDS server, its listening socket opened in the pod's namespace (a socket
   * stays in the namespace it was made in, whichever thread uses it); returns once it serves.
   */
  private static Server doorServer(
      NetNs pod,
      EventLoopGroup loop,
      int adsPort,
      AtomicInteger connections,
      ConcurrentLinkedQueue<String> callers)
      throws Exception {
    CompletableFuture<Void> serving = new CompletableFuture<>();
    XdsServerBuilder b =
        XdsServerBuilder.forPort(
                PORT, XdsServerCredentials.create(InsecureServerCredentials.create()))
            .addService(DoorManager.service())
            .intercept(
                new ServerInterceptor() {
                  @Override
                  public <Q, A> ServerCall.Listener<Q> interceptCall(
                      ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                    callers.add(
                        String.valueOf(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
                    return next.startCall(call, headers);
                  }
                })
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
                  public void onNotServing(Throwable cause) {}
                })
            .overrideBootstrapForTest(DoorManager.bootstrap("127.0.0.1:" + adsPort, POD));
    ((NettyServerBuilder) b.transportBuilder())
        .bossEventLoopGroup(loop)
        .workerEventLoopGroup(loop)
        .channelFactory(() -> pod.call(NioServerSocketChannel::new));
    Server server = b.build();
    server.start();
    serving.get(60, TimeUnit.SECONDS);
    return server;
  }

  /** A plaintext channel to the door manager whose socket is made in {@code pod}'s namespace. */
  private static ManagedChannel channel(NetNs pod, EventLoopGroup loop) {
    return NettyChannelBuilder.forAddress(DOOR, PORT)
        .usePlaintext()
        .eventLoopGroup(loop)
        .channelFactory(() -> pod.call(NioSocketChannel::new))
        .build();
  }

  /** The door-manager policy allowing {@code methods} through the datapath and the xDS server. */
  private static long publish(
      Topology t, DatapathApplier applier, XdsPublisher publisher, String... methods) {
    NodeChanges changes = NodeChanges.of(state(L7Policies.ccDoor(PORT, methods)));
    long revision = t.node().call(() -> applier.publish(Proxyless.datapathView(changes)));
    publisher.publish(revision, changes);
    return revision;
  }

  /** The three pods on this node, the door manager proxyless (its annotation). */
  private static DesiredState state(String policy) {
    Pod door =
        new Pod(
            "default",
            "cc-door-mgr",
            Map.of("app", "cc-door-mgr"),
            Optional.empty(),
            Optional.of(DOOR),
            Set.of());
    List<Workload> workloads =
        List.of(
            new Workload(door, Optional.of(NODE), List.of(DOOR), true),
            StarWars.workload("terminal", NODE, TERMINAL, Map.of("app", "public-terminal")),
            StarWars.workload("intruder", NODE, INTRUDER, Map.of("app", "intruder")));
    return new NodeStateComputer(new InMemoryIdentityAllocator())
        .compute(
            new ClusterSnapshot(
                List.of(new Namespace("default", Map.of())), workloads, StarWars.rules(policy)));
  }

  private static void awaitAcked(XdsPublisher publisher, long revision)
      throws InterruptedException {
    while (publisher.ackedRevision(POD) < revision) {
      Thread.sleep(10); // The hang guard bounds this.
    }
  }

  private static long ingressDrops(Datapath dp) {
    long[] c =
        dp.verdictCounters()
            .get(Layouts.DIR_INGRESS * Layouts.COUNTER_SLOTS + Reason.DROP_POLICY.slot());
    return c == null ? 0 : c[0];
  }
}
