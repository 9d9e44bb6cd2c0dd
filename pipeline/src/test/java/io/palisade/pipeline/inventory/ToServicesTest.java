package io.palisade.pipeline.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.policy.Direction;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.mapstate.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code toServices} selects what the matched Services stand for now, as Cilium's generated peers
 * do: the pods a Service selects, or the backend addresses of a Service without selector; nothing
 * while no Service matches. Every change of a Service or of its EndpointSlices translates the
 * policy again.
 */
class ToServicesTest {

  private final ClusterInventory inventory = new ClusterInventory();
  private final InMemoryNodeState state = new InMemoryNodeState();
  private final Pipeline pipeline = new Pipeline(inventory, new InMemoryIdentityAllocator(), state);

  @BeforeEach
  void cluster() {
    inventory.putNamespace(new Namespace("default", Map.of()));
    StarWars.workloads().forEach(inventory::putWorkload);
  }

  @Test
  void aServiceByNameAllowsThePodsItSelectsAndFollowsItsSelector() {
    inventory.putPolicy(check(policy("{k8sService: {serviceName: fleet}}")));
    pipeline.run();
    assertThat(allowedPeers()).isEmpty();

    inventory.putService(service("fleet", Map.of("class", "tiefighter"), Map.of()));
    pipeline.run();
    assertThat(allowedPeers()).containsExactly(identity("node-b", "tiefighter"));

    inventory.putService(service("fleet", Map.of("org", "alliance"), Map.of()));
    pipeline.run();
    assertThat(allowedPeers()).containsExactly(identity("node-b", "xwing"));

    inventory.removeService("default/fleet");
    pipeline.run();
    assertThat(allowedPeers()).isEmpty();
  }

  @Test
  void aServiceInAnotherNamespaceThanTheOneNamedIsNotSelected() {
    inventory.putPolicy(check(policy("{k8sService: {serviceName: fleet, namespace: empire}}")));
    inventory.putService(service("fleet", Map.of("class", "tiefighter"), Map.of()));
    pipeline.run();
    assertThat(allowedPeers()).isEmpty();
  }

  @Test
  void aServiceWithoutSelectorAllowsItsBackendsAsHostPrefixes() {
    inventory.putPolicy(check(policy("{k8sService: {serviceName: partners}}")));
    inventory.putService(service("partners", Map.of(), Map.of()));
    inventory.putEndpoints(
        slice(
            "partners-1",
            List.of(
                backend("203.0.113.5", true, true, false),
                // Neither ready nor serving: not a backend in Cilium either.
                backend("203.0.113.6", false, false, false))));
    pipeline.run();
    assertThat(state.ipcache()).doesNotContainKey("203.0.113.6/32");
    assertThat(allowedPeers()).containsExactly(state.ipcache().get("203.0.113.5/32"));

    inventory.putEndpoints(
        slice(
            "partners-1",
            List.of(
                backend("203.0.113.5", true, true, false),
                backend("203.0.113.7", false, true, true))));
    pipeline.run();
    assertThat(allowedPeers())
        .containsExactlyInAnyOrder(
            state.ipcache().get("203.0.113.5/32"), state.ipcache().get("203.0.113.7/32"));

    inventory.removeEndpoints("default/partners-1");
    pipeline.run();
    assertThat(state.ipcache()).doesNotContainKey("203.0.113.5/32");
    assertThat(allowedPeers()).isEmpty();
  }

  @Test
  void aServiceSelectorMatchesTheServicesOwnLabels() {
    inventory.putPolicy(
        check(policy("{k8sServiceSelector: {selector: {matchLabels: {tier: rebels}}}}")));
    // The selector matches Service labels, not the pod labels the Service selects.
    inventory.putService(service("fleet", Map.of("class", "tiefighter"), Map.of("org", "empire")));
    inventory.putService(service("rebels", Map.of("class", "xwing"), Map.of("tier", "rebels")));
    pipeline.run();
    assertThat(allowedPeers()).containsExactly(identity("node-b", "xwing"));

    inventory.putService(service("fleet", Map.of("class", "tiefighter"), Map.of("tier", "rebels")));
    pipeline.run();
    assertThat(allowedPeers())
        .containsExactlyInAnyOrder(identity("node-b", "xwing"), identity("node-b", "tiefighter"));
  }

  /** The peers the deathstar's egress allows. */
  private List<Long> allowedPeers() {
    var local = state.local("node-a");
    IdentityPolicy p = local.policies().get(local.endpoints().get("default/deathstar").identity());
    assertThat(p.enforces(Direction.EGRESS)).isTrue();
    return p.entries().entrySet().stream()
        .filter(e -> e.getKey().direction() == Direction.EGRESS)
        .filter(e -> e.getValue().verdict() == Verdict.ALLOW)
        .map(e -> e.getKey().identity())
        .distinct()
        .toList();
  }

  private long identity(String node, String pod) {
    return state.local(node).endpoints().get("default/" + pod).identity();
  }

  private static String policy(String service) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-services, namespace: default}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          egress:
            - toServices: [%s]
        """
        .formatted(service);
  }

  private static ServiceInfo service(
      String name, Map<String, String> selector, Map<String, String> labels) {
    return new ServiceInfo(
        "default", name, "ClusterIP", List.of(), List.of(), List.of(), selector, labels);
  }

  private static ServiceEndpoints slice(String name, List<ServiceEndpoints.Endpoint> endpoints) {
    return new ServiceEndpoints(
        "default", name, Optional.of("partners"), "IPv4", endpoints, List.of());
  }

  private static ServiceEndpoints.Endpoint backend(
      String address, boolean ready, boolean serving, boolean terminating) {
    return new ServiceEndpoints.Endpoint(
        List.of(address), ready, serving, terminating, Optional.empty());
  }

  private static PolicyValidation.Checked check(String yaml) {
    var loaded = new PolicyLoader().load("test.yaml", yaml);
    assertThat(loaded.errors()).isEmpty();
    HasMetadata object = loaded.documents().getFirst().object().orElseThrow();
    return new PolicyValidation().check(object);
  }
}
