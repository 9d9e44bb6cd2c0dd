package io.palisade.operator.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.palisade.operator.MockCluster;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceFrontends;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.identity.ReservedIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The informers of Nodes, Services and EndpointSlices on the fabric8 mock API server: what they
 * deliver reaches the inventory and the node state, and an object with a bad field changes nothing
 * that was good.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterWatchTest {

  KubernetesClient client;

  static final String OBJECTS =
      """
      apiVersion: v1
      kind: Node
      metadata: {name: node-a}
      status: {addresses: [{type: InternalIP, address: 10.0.0.1}]}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: node-b}
      status: {addresses: [{type: InternalIP, address: 10.0.0.2}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      spec: {nodeName: node-a, containers: [{name: web, image: web}]}
      status: {podIP: 10.1.0.5}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        clusterIP: 10.96.0.10
        selector: {app: web}
        ports: [{name: http, port: 80, targetPort: 8080}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-1, namespace: shop, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      endpoints: [{addresses: [10.1.0.5], conditions: {ready: true}}]
      ports: [{name: http, port: 8080, protocol: TCP}]
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.2]}]
      ports: [{name: https, port: 6443}]
      """;

  @Test
  void nodesServicesAndEndpointSlicesReachTheInventoryAndTheNodeState() {
    MockCluster.installCrds(client);
    ClusterInventory inventory = new ClusterInventory();
    InMemoryNodeState state = new InMemoryNodeState();
    Pipeline pipeline = new Pipeline(inventory, new InMemoryIdentityAllocator(), state);
    try (ClusterWatch watch = new ClusterWatch(client, inventory, new PolicyValidation()).start()) {
      for (HasMetadata o :
          client.load(new java.io.ByteArrayInputStream(OBJECTS.getBytes())).items()) {
        client.resource(o).create();
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                pipeline.run();
                assertThat(state.ipcache())
                    .containsEntry("10.0.0.2/32", ReservedIdentity.KUBE_APISERVER.id())
                    .containsEntry("10.0.0.1/32", ReservedIdentity.REMOTE_NODE.id());
                assertThat(state.local("node-a").ipcache())
                    .isEqualTo(Map.of("10.0.0.1/32", ReservedIdentity.HOST.id()));
              });
      var web = inventory.services().get("shop/web");
      assertThat(ServiceFrontends.of(web, inventory.endpointsOf("shop", "web")).shared())
          .containsExactly(
              Map.entry(
                  new ServiceFrontend("10.96.0.10", 80, Protocol.TCP),
                  List.of(new ServiceBackend("10.1.0.5", 8080))));

      // A Node whose address is not one is refused; its last good version stays.
      client
          .nodes()
          .withName("node-b")
          .edit(
              n -> {
                n.getStatus().getAddresses().getFirst().setAddress("10.0.0.999");
                return n;
              });
      client
          .nodes()
          .resource(
              new io.fabric8.kubernetes.api.model.NodeBuilder()
                  .withNewMetadata()
                  .withName("node-c")
                  .endMetadata()
                  .withNewStatus()
                  .addNewAddress()
                  .withType("InternalIP")
                  .withAddress("10.0.0.3")
                  .endAddress()
                  .endStatus()
                  .build())
          .create();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(inventory.nodes()).containsKey("node-c"));
      assertThat(inventory.nodes().get("node-b").addresses()).containsExactly("10.0.0.2");

      client
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace("default")
          .withName("kubernetes")
          .delete();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                pipeline.run();
                assertThat(state.ipcache())
                    .containsEntry("10.0.0.2/32", ReservedIdentity.REMOTE_NODE.id())
                    .containsEntry("10.0.0.3/32", ReservedIdentity.REMOTE_NODE.id());
              });
    }
  }

  @Test
  void aWatchThatStopsForGoodSaysWhich() {
    MockCluster.installCrds(client);
    try (ClusterWatch watch =
        new ClusterWatch(client, new ClusterInventory(), new PolicyValidation()).start()) {
      await().atMost(Duration.ofSeconds(20)).until(watch::synced);
      assertThat(watch.stopped()).isEmpty();

      // A CIDR group with a field this model lacks: its informer cannot read it, and stops.
      client
          .genericKubernetesResources("cilium.io/v2", "CiliumCIDRGroup")
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(
                      """
                      apiVersion: cilium.io/v2
                      kind: CiliumCIDRGroup
                      metadata: {name: partners}
                      spec: {externalCIDRs: [192.0.2.0/24], somethingNewer: true}
                      """,
                      GenericKubernetesResource.class))
          .create();

      await().atMost(Duration.ofSeconds(20)).until(() -> watch.stopped().isPresent());
      assertThat(watch.stopped().get())
          .startsWith("the watch of ciliumcidrgroups stopped: ")
          .contains("somethingNewer");
    }
  }
}
