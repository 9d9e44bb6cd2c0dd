package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.discovery.Placement;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.operator.MockCluster;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A Service and its EndpointSlice created on the mock API server reach a streamed daemon's datapath
 * state: the informers, the pipeline, the store, the gRPC stream and the daemon's real client. The
 * ClusterIP is every node's; the NodePort opens on node-a's own address only; a new backend and a
 * deleted Service arrive as deltas.
 */
@EnableKubernetesMockClient(crud = true)
class ServiceStreamTest {

  KubernetesClient client;

  static final String OBJECTS =
      """
      apiVersion: v1
      kind: Node
      metadata: {name: node-a}
      status: {addresses: [{type: InternalIP, address: 192.168.1.1}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: node-b}
      status: {addresses: [{type: InternalIP, address: 192.168.1.2}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec: {nodeName: node-a, containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
      status: {podIP: 10.1.0.5}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        type: NodePort
        clusterIP: 10.96.0.10
        selector: {app: web}
        ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      endpoints: [{addresses: [10.1.0.5], conditions: {ready: true}}]
      ports: [{name: http, port: 8080, protocol: TCP}]
      """;

  static final ServiceFrontend CLUSTER_IP = new ServiceFrontend("10.96.0.10", 80, Protocol.TCP);
  static final ServiceFrontend NODE_PORT = new ServiceFrontend("192.168.1.1", 30080, Protocol.TCP);

  @Test
  void aServiceAndItsEndpointSliceReachTheStreamedDaemonAndFollowTheirChanges() throws Exception {
    MockCluster.installCrds(client);
    ClusterInventory inventory = new ClusterInventory();
    NodeStateStore store = new NodeStateStore("epoch-1", 64);
    Pipeline pipeline = new Pipeline(inventory, new InMemoryIdentityAllocator(), store);
    List<DatapathState> applied = new CopyOnWriteArrayList<>();
    try (ClusterWatch watch = new ClusterWatch(client, inventory, new PolicyValidation()).start();
        NodeStateServer server =
            NodeStateServer.start(
                new InetSocketAddress("127.0.0.1", 0),
                store,
                NodeStateSecurity.insecurePlainText());
        NodeStateClient daemon =
            new NodeStateClient(
                    "node-a",
                    NodeStateClient.insecureChannel("127.0.0.1:" + server.port()),
                    desired -> {
                      applied.add(desired);
                      return Map.of();
                    },
                    (endpoint, p) ->
                        p.equals(CidrPrefix.parse("10.1.0.5").orElseThrow())
                            ? new Placement.Here("lxc-web")
                            : new Placement.Elsewhere(),
                    Optional.empty(),
                    new PrintStream(PrintStream.nullOutputStream()),
                    Duration.ofMillis(50),
                    Duration.ofMillis(200))
                .start()) {
      for (HasMetadata o :
          client.load(new ByteArrayInputStream(OBJECTS.getBytes(StandardCharsets.UTF_8))).items()) {
        client.resource(o).create();
      }
      List<ServiceBackend> one = List.of(new ServiceBackend("10.1.0.5", 8080));
      awaitServices(pipeline, applied, Map.of(CLUSTER_IP, one, NODE_PORT, one));

      // A second ready backend: the same frontends, both backends, by delta.
      client
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace("shop")
          .withName("web-1")
          .edit(
              s -> {
                s.getEndpoints()
                    .add(
                        new EndpointBuilder()
                            .withAddresses("10.1.0.6")
                            .withNewConditions()
                            .withReady(true)
                            .endConditions()
                            .build());
                return s;
              });
      List<ServiceBackend> two = List.of(one.getFirst(), new ServiceBackend("10.1.0.6", 8080));
      awaitServices(pipeline, applied, Map.of(CLUSTER_IP, two, NODE_PORT, two));
      int snapshots = applied.size();

      client.services().inNamespace("shop").withName("web").delete();
      awaitServices(pipeline, applied, Map.of());
      assertThat(applied.size()).as("one more revision, applied once").isEqualTo(snapshots + 1);
      assertThat(daemon.revision()).isEqualTo(store.revision());
    }
  }

  /** Runs the pipeline until the daemon's last applied state has exactly {@code want}. */
  private static void awaitServices(
      Pipeline pipeline,
      List<DatapathState> applied,
      Map<ServiceFrontend, List<ServiceBackend>> want) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              pipeline.run();
              assertThat(applied).isNotEmpty();
              assertThat(applied.getLast().services().services()).isEqualTo(want);
            });
  }
}
