package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Topology;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.Outcome;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.resolve.HostTraffic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real packets from the node, other nodes and the API server into pods, through the pipeline as
 * standalone mode runs it (cluster file with Node and EndpointSlice objects, {@link LocalPipeline}
 * into a {@link DatapathApplier}): the node namespace's own address on the veths is the {@code
 * host}; addresses of the outside namespace stand for another node, the API server outside the
 * cluster, a node that serves the API, and the world. Every verdict is also the trace's.
 */
class ReservedIdentitiesIT {

  static final String BACKEND = "app/backend";
  static final String FRONTEND = "app/frontend";
  static final String REMOTE_NODE = "203.0.113.10";
  static final String API_OUTSIDE = "203.0.113.20";
  static final String API_ON_NODE = "203.0.113.30";
  static final String WORLD = "203.0.113.40";

  /** The cluster file's Nodes and the API server's EndpointSlice, beside the pods. */
  static final String OBJECTS =
      """
      apiVersion: v1
      kind: List
      items:
        - apiVersion: v1
          kind: Node
          metadata: {name: node-a}
          status:
            addresses:
              - {type: InternalIP, address: %s}
              - {type: ExternalIP, address: %s}
              - {type: Hostname, address: node-a}
        - apiVersion: v1
          kind: Node
          metadata: {name: node-b}
          status:
            addresses: [{type: InternalIP, address: %s}]
        - apiVersion: v1
          kind: Node
          metadata: {name: control-plane}
          status:
            addresses: [{type: InternalIP, address: %s}]
        - apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: kubernetes
            namespace: default
            labels: {kubernetes.io/service-name: kubernetes}
          addressType: IPv4
          endpoints:
            - addresses: [%s]
              conditions: {ready: true}
            - addresses: [%s]
              conditions: {ready: true}
          ports: [{name: https, port: 6443, protocol: TCP}]
      """
          .formatted(
              Topology.GATEWAY4,
              Topology.NODE_UPLINK,
              REMOTE_NODE,
              API_ON_NODE,
              API_OUTSIDE,
              API_ON_NODE);

  static DatapathFixture node;
  static Path dir;

  @BeforeAll
  static void build() throws IOException {
    Privileges.requireRoot();
    node =
        new DatapathFixture(
            List.of(
                new PodSpec("app", "frontend", Map.of("app", "frontend"), "10.201.0.11"),
                new PodSpec("app", "backend", Map.of("app", "backend"), "10.201.0.12")),
            List.of(REMOTE_NODE, API_OUTSIDE, API_ON_NODE, WORLD));
    dir = Files.createTempDirectory("palisade-reserved");
  }

  @AfterAll
  static void tearDown() throws IOException {
    if (node != null) {
      node.close();
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  /** An ingress policy on the backend that allows the frontend on port 80, and the given peers. */
  static String backendPolicy(String extraPeers) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
        """
        + extraPeers;
  }

  @Test
  void theNodeReachesItsPodsUnderAPolicyThatAllowsNothingFromItAndIsRefusedWithHostTrafficPolicy() {
    String policy = backendPolicy("");
    Map<String, Boolean> allowed = enforce(policy, HostTraffic.ALLOWED);
    assertThat(allowed).containsEntry("host", true).containsEntry(WORLD, false);
    assertThat(allowed).containsEntry(REMOTE_NODE, false);

    Map<String, Boolean> refused = enforce(policy, HostTraffic.POLICY);
    assertThat(refused).containsEntry("host", false).containsEntry(WORLD, false);

    Map<String, Boolean> byRule =
        enforce(backendPolicy("    - fromEntities: [host]\n"), HostTraffic.POLICY);
    assertThat(byRule).containsEntry("host", true).containsEntry(REMOTE_NODE, false);
  }

  @Test
  void remoteNodeAllowsOtherNodesAddressesAndNothingElse() {
    Map<String, Boolean> got =
        enforce(backendPolicy("    - fromEntities: [remote-node]\n"), HostTraffic.POLICY);
    // The node that serves the API has the kube-apiserver identity, which carries both labels.
    assertThat(got)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "host",
                false,
                REMOTE_NODE,
                true,
                API_ON_NODE,
                true,
                API_OUTSIDE,
                false,
                WORLD,
                false));
  }

  @Test
  void kubeApiserverAllowsTheApiServersEndpointsAndNothingElse() {
    Map<String, Boolean> got =
        enforce(backendPolicy("    - fromEntities: [kube-apiserver]\n"), HostTraffic.POLICY);
    assertThat(got)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "host",
                false,
                REMOTE_NODE,
                false,
                API_ON_NODE,
                true,
                API_OUTSIDE,
                true,
                WORLD,
                false));
  }

  @Test
  void worldStillMeansOutsideTheClusterAndTheApiServerOutsideIsInIt() {
    Map<String, Boolean> got =
        enforce(backendPolicy("    - fromEntities: [world]\n"), HostTraffic.POLICY);
    assertThat(got)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "host",
                false,
                REMOTE_NODE,
                false,
                API_ON_NODE,
                false,
                API_OUTSIDE,
                true,
                WORLD,
                true));
  }

  /**
   * Runs {@code policy} through the pipeline into the datapath, probes the backend's port 80 from
   * the host and from each outside address, and checks each verdict against the trace's. Returns
   * what got through, by source ("host" or the address).
   */
  static Map<String, Boolean> enforce(String policy, HostTraffic hostTraffic) {
    String clusterYaml = node.topology().clusterYaml() + OBJECTS;
    LoadResult loaded = load(policy);
    ClusterFile.Result cluster = ClusterFile.read(clusterYaml);
    assertThat(cluster.errors()).isEmpty();
    Map<String, String> veths = node.topology().veths();
    DatapathApplier applier =
        new DatapathApplier(node.datapath(), "local", node.topology().finder());
    LocalPipeline pipeline =
        new LocalPipeline(
            "local", applier, RemovalBudget.parse("unlimited"), hostTraffic, Optional.of("node-a"));
    pipeline.accept(PolicySnapshot.of("test", loaded));
    pipeline.accept(cluster.contents());
    node.topology().node().call(pipeline::run);
    assertThat(applier.pending()).isEmpty();

    ClusterPolicy trace =
        new ClusterPolicy(
            cluster.contents().cluster(),
            loaded.policySet().rules(),
            new InMemoryIdentityAllocator(),
            cluster.contents().addresses(),
            cluster.contents().localNode(Optional.of("node-a")).map(NodeInfo::name),
            hostTraffic);
    String backend = node.address(BACKEND);
    Map<String, Boolean> got = new LinkedHashMap<>();
    got.put("host", Probes.tcp(node.topology().node(), backend, 80, DatapathFixture.TIMEOUT));
    NetNs outside = node.topology().outside();
    for (String source : List.of(REMOTE_NODE, API_OUTSIDE, API_ON_NODE, WORLD)) {
      got.put(source, Probes.tcpFrom(outside, source, backend, 80, DatapathFixture.TIMEOUT));
    }
    for (var e : got.entrySet()) {
      String from = e.getKey().equals("host") ? Topology.GATEWAY4 : e.getKey();
      Outcome traced =
          trace
              .decide(
                  trace.endpoint(from).orElseThrow(), trace.endpoint(BACKEND).orElseThrow(), 6, 80)
              .outcome();
      assertThat(traced == Outcome.ALLOWED)
          .as("trace of %s (%s) against the packets", e.getKey(), traced)
          .isEqualTo(e.getValue());
    }
    // The frontend is allowed by every variant: the policy is in force, not the datapath open.
    assertThat(
            Probes.tcp(node.topology().pod(FRONTEND).netns(), backend, 80, DatapathFixture.TIMEOUT))
        .isTrue();
    return got;
  }

  static LoadResult load(String yaml) {
    try {
      Path file = dir.resolve("policy.yaml");
      Files.writeString(file, yaml);
      LoadResult loaded = new PolicyLoader().load(List.of(file));
      assertThat(loaded.errors()).isEmpty();
      return loaded;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
