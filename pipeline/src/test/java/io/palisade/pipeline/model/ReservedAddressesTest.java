package io.palisade.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.HostTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node and API server addresses get Cilium's identities: shared as every other node sees them, and
 * the node's own as the host in its local state, through the incremental pipeline.
 */
class ReservedAddressesTest {

  static final String CLUSTER =
      """
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: shop, labels: {app: web}}
      status: {podIP: 10.1.0.5}
      ---
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
      kind: Node
      metadata: {name: node-c}
      status: {addresses: [{type: InternalIP, address: 10.0.0.3}]}
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: kubernetes, namespace: default, labels: {kubernetes.io/service-name: kubernetes}}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.2]}, {addresses: [192.0.2.50]}, {addresses: [%s]}]
      """;

  static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web, namespace: shop}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingress: [{fromEntities: [kube-apiserver]}]
      """;

  @TempDir Path dir;

  InMemoryNodeState run(String cluster, HostTraffic hostTraffic) throws Exception {
    InMemoryNodeState state = new InMemoryNodeState();
    LocalPipeline p =
        new LocalPipeline(
            "local", state, RemovalBudget.DEFAULT, hostTraffic, Optional.of("node-a"));
    Files.writeString(dir.resolve("p.yaml"), POLICY);
    p.accept(PolicySnapshot.of("t", new PolicyLoader().load(List.of(dir))));
    ClusterFile.Result file = ClusterFile.read(cluster);
    assertThat(file.errors()).isEmpty();
    p.accept(file.contents());
    p.run();
    return state;
  }

  @Test
  void nodesAreRemoteNodesTheApiServerIsKubeApiserverAndTheNodeItselfIsTheHost() throws Exception {
    InMemoryNodeState state = run(CLUSTER.formatted("10.0.0.2"), HostTraffic.ALLOWED);
    assertThat(state.ipcache())
        .containsEntry("10.0.0.1/32", ReservedIdentity.REMOTE_NODE.id())
        .containsEntry("10.0.0.2/32", ReservedIdentity.KUBE_APISERVER.id())
        .containsEntry("10.0.0.3/32", ReservedIdentity.REMOTE_NODE.id());
    long outside = state.ipcache().get("192.0.2.50/32");
    assertThat(outside & Identity.LOCAL_SCOPE).isNotZero();
    LocalState local = state.local("local");
    assertThat(local.ipcache()).containsExactly(java.util.Map.entry("10.0.0.1/32", 1L));
    IdentityPolicy web = local.policies().values().iterator().next();
    // kube-apiserver selects 7 and the API server outside; the host is allowed beside the rules.
    assertThat(web.mapState().lookup(Direction.INGRESS, 7, 6, 443)).isPresent();
    assertThat(web.mapState().lookup(Direction.INGRESS, outside, 6, 443)).isPresent();
    assertThat(web.mapState().lookup(Direction.INGRESS, 6, 6, 443)).isEmpty();
    assertThat(web.entries())
        .containsKey(MapStateKey.allPorts(Direction.INGRESS, ReservedIdentity.HOST.id()));
  }

  @Test
  void theHostServingTheApiKeepsBothLabelsAndHostTrafficPolicyDropsTheHostsOwnAllow()
      throws Exception {
    InMemoryNodeState state = run(CLUSTER.formatted("10.0.0.1"), HostTraffic.POLICY);
    LocalState local = state.local("local");
    long hostApi = local.ipcache().get("10.0.0.1/32");
    assertThat(hostApi & Identity.LOCAL_SCOPE).isNotZero();
    IdentityPolicy web = local.policies().values().iterator().next();
    // Selected as kube-apiserver, as Cilium's host identity with the label added would be.
    assertThat(web.mapState().lookup(Direction.INGRESS, hostApi, 6, 443).get().entry().verdict())
        .isEqualTo(Verdict.ALLOW);
    assertThat(web.mapState().lookup(Direction.INGRESS, ReservedIdentity.HOST.id(), 6, 443))
        .isEmpty();
    // Every other node sees that address as the API server on a node.
    assertThat(state.ipcache()).containsEntry("10.0.0.1/32", ReservedIdentity.KUBE_APISERVER.id());
  }
}
