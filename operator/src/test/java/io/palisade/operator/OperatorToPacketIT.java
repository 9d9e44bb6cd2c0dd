package io.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.discovery.Placement;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.EchoServers;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Topology;
import io.palisade.node.observe.FlowDrain;
import io.palisade.node.observe.FlowNamer;
import io.palisade.node.observe.FlowSampler;
import io.palisade.node.stream.FlowRelay;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowFilter;
import io.palisade.pipeline.flows.PolicyDecision;
import io.palisade.policy.identity.CidrPrefix;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * End to end on one machine: a CiliumNetworkPolicy created through the (mock) API server goes
 * through the operator's reconciler, pipeline and gRPC node-state server to the node daemon's real
 * {@link NodeStateClient}, which applies it with the real {@link Datapath} to veths in network
 * namespaces; a real TCP connection from the xwing to the deathstar stops getting through, and the
 * policy's status says Enforced on 1/1 node. Needs root (skipped with a message otherwise).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorToPacketIT {

  private static final String NODE = "node-a";
  private static final PodSpec DEATHSTAR =
      new PodSpec(
          "default", "deathstar", Map.of("org", "empire", "class", "deathstar"), "10.42.0.10");
  private static final PodSpec XWING =
      new PodSpec("default", "xwing", Map.of("org", "alliance", "class", "xwing"), "10.42.0.12");
  private static final Duration PROBE = Duration.ofMillis(1000);

  KubernetesClient client;

  @Test
  void aPolicyCreatedThroughTheApiDropsRealPacketsAndIsEnforcedOnOneOfOneNode() throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pinRoot = Path.of("/sys/fs/bpf/palisade-e2e-" + run);
    List<AutoCloseable> cleanup = new ArrayList<>(); // closed in reverse
    BpfFsGuard bpfFs = new BpfFsGuard();
    try {
      // The node: two pods in network namespaces, an echo server in each, the datapath loaded.
      Topology topology = Topology.create(run, List.of(DEATHSTAR, XWING), List.of());
      cleanup.add(topology);
      for (Topology.PodNet p : topology.pods()) {
        cleanup.add(EchoServers.start(p.netns(), List.of(80), List.of()));
      }
      Datapath datapath = topology.node().call(() -> Datapath.open(pinRoot));
      cleanup.add(datapath::close);

      // The operator: watches, pipeline, reconciler and node-state server on the mock API server.
      MockApiOperator operator = MockApiOperator.start(client, cleanup);
      MockApiOperator.createPods(client, NODE, List.of(DEATHSTAR, XWING));

      // The node daemon's stream client; it applies on the node namespace's thread, where the
      // datapath's interface lookups and tc attachments happen. Its gRPC socket stays on loopback.
      Map<CidrPrefix, String> vethOf = new HashMap<>();
      for (Topology.PodNet p : topology.pods()) {
        vethOf.put(CidrPrefix.parse(p.spec().ip()).orElseThrow(), p.hostVeth());
      }
      ManagedChannel channel =
          NodeStateClient.insecureChannel("127.0.0.1:" + operator.server().port());
      cleanup.add(channel::shutdownNow);
      NodeStateClient daemon =
          new NodeStateClient(
              NODE,
              channel,
              desired -> topology.node().call(() -> datapath.apply(desired)).unattached(),
              (endpoint, prefix) ->
                  vethOf.containsKey(prefix)
                      ? new Placement.Here(vethOf.get(prefix))
                      : new Placement.Pending("not a pod of this test"),
              Optional.empty(),
              new PrintStream(System.out, true),
              Duration.ofMillis(50),
              Duration.ofMillis(500));
      cleanup.add(daemon::close);
      daemon.start();
      // Its flows as a stream-mode daemon reports them (addresses and identities only), relayed
      // over the same channel to the operator, which names them.
      FlowRelay relay =
          new FlowRelay(
                  NODE,
                  channel,
                  Duration.ofMillis(50),
                  Duration.ofMillis(500),
                  new PrintStream(System.out, true))
              .start();
      cleanup.add(relay);
      FlowDrain drain =
          FlowDrain.start(
              datapath,
              FlowNamer.addressesOnly(),
              new FlowSampler(1),
              relay,
              problem -> System.out.println("flow drain: " + problem));
      cleanup.add(drain);

      // Both pods are known and the node has applied a state: no policy yet, the probe passes.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  daemon.revision() > 0
                      && operator
                          .store()
                          .status(NODE)
                          .map(s -> s.ackedRevision() == daemon.revision())
                          .orElse(false));
      assertThat(Probes.tcp(topology.pod("default/xwing").netns(), DEATHSTAR.ip(), 80, PROBE))
          .as("xwing -> deathstar:80 before any policy")
          .isTrue();

      // rule1: only the empire may reach the deathstar on port 80; the xwing is denied.
      client
          .resources(CiliumNetworkPolicy.class)
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(StarWars.RULE1, CiliumNetworkPolicy.class))
          .create();

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> !Probes.tcp(topology.pod("default/xwing").netns(), DEATHSTAR.ip(), 80, PROBE));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> "True".equals(CnpStatus.condition(CnpStatus.of(client, "rule1"), "Enforced")));
      PolicyStatus done = CnpStatus.of(client, "rule1");
      assertThat(done.enforcedNodes()).isEqualTo(1);
      assertThat(done.desiredNodes()).isEqualTo(1);
      assertThat(PolicyConditions.condition(done, "Enforced").map(PolicyCondition::message))
          .contains("enforced on 1/1 node at revision " + done.enforcedRevision());
      assertThat(daemon.revision()).isGreaterThanOrEqualTo(done.enforcedRevision());
      // Still dropped once the status is final (not a transient loss).
      assertThat(Probes.tcp(topology.pod("default/xwing").netns(), DEATHSTAR.ip(), 80, PROBE))
          .isFalse();

      // The drop, seen by the node's datapath, reaches the operator and reads there with the
      // pods and the policy that caused it (rule1 selects the deathstar; nothing allows the
      // xwing, so rule1's default deny dropped it), and the node that saw it.
      FlowFilter drops =
          FlowFilter.parse(Map.of("verdict", "dropped", "pod", "default/xwing"), Instant.now());
      await().atMost(Duration.ofSeconds(30)).until(() -> !operator.flows().recent(drops).isEmpty());
      Flow dropped = operator.flows().recent(drops).getLast();
      assertThat(dropped.node()).contains(NODE);
      assertThat(dropped.reason()).isEqualTo("policy_denied");
      assertThat(dropped.source().pod()).contains("xwing");
      assertThat(dropped.destination().pod()).contains("deathstar");
      assertThat(dropped.destination().port()).isEqualTo(80);
      assertThat(dropped.policy().map(PolicyDecision::name)).contains("rule1");
      assertThat(dropped.policy().map(PolicyDecision::source)).contains("kubectl");
    } finally {
      try {
        MockApiOperator.closeInReverse(cleanup);
      } finally {
        Datapath.unpinAll(pinRoot);
        bpfFs.close();
      }
    }
  }
}
