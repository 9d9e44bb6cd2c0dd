package io.palisade.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.StarWars;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeStateComputerTest {

  private final NodeStateComputer computer = new NodeStateComputer(new InMemoryIdentityAllocator());

  @Test
  void eachNodeGetsItsEndpointsAndThePolicyOfTheirIdentities() {
    DesiredState s = computer.compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1));

    assertThat(s.nodes()).containsOnlyKeys("node-a", "node-b");
    LocalState a = s.node("node-a");
    assertThat(a.endpoints()).containsOnlyKeys("default/deathstar");
    EndpointState deathstar = a.endpoints().get("default/deathstar");
    assertThat(deathstar.enforceIngress()).isTrue();
    assertThat(deathstar.enforceEgress()).isFalse();
    assertThat(a.policies()).containsOnlyKeys(deathstar.identity());

    LocalState b = s.node("node-b");
    long tiefighter = b.endpoints().get("default/tiefighter").identity();
    long xwing = b.endpoints().get("default/xwing").identity();
    assertThat(b.policies()).containsOnlyKeys(tiefighter, xwing);
    assertThat(b.endpoints().get("default/xwing").enforceIngress()).isFalse();

    var entries = a.policies().get(deathstar.identity()).entries();
    assertThat(entries)
        .containsEntry(
            MapStateKey.port(Direction.INGRESS, tiefighter, Protocol.TCP, 80), MapStateEntry.ALLOW);
    assertThat(entries.keySet())
        .noneMatch(k -> k.direction() == Direction.INGRESS && k.identity() == xwing);
  }

  @Test
  void theIpcacheMapsEveryPodAddressToItsIdentity() {
    DesiredState s = computer.compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1));
    long deathstar = s.node("node-a").endpoints().get("default/deathstar").identity();
    assertThat(s.ipcache())
        .containsOnlyKeys("10.42.0.10/32", "10.42.0.11/32", "10.42.0.12/32")
        .containsEntry("10.42.0.10/32", deathstar);
  }

  @Test
  void aPolicyIsDesiredOnTheNodesOfTheEndpointsItSelects() {
    DesiredState s = computer.compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1));
    assertThat(s.nodesOf(new PolicyRef("CiliumNetworkPolicy", "default", "rule1")))
        .isEqualTo(Set.of("node-a"));
    assertThat(s.nodesOf(new PolicyRef("CiliumNetworkPolicy", "default", "other"))).isEmpty();
  }

  @Test
  void policyCidrsGetIpcacheEntriesOfTheirLocalIdentity() {
    String egress =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-cidr, namespace: default}
        spec:
          endpointSelector: {matchLabels: {class: xwing}}
          egress:
            - toCIDR: ["192.0.2.0/24"]
        """;
    DesiredState s = computer.compute(StarWars.snapshot(StarWars.workloads(), egress));
    assertThat(s.ipcache()).containsKey("192.0.2.0/24");
    assertThat(s.ipcache().get("192.0.2.0/24") & (1L << 24)).isNotZero();
    assertThat(s.node("node-b").endpoints().get("default/xwing").enforceEgress()).isTrue();
  }

  @Test
  void aToFqdnsSelectorIsOneLocalIdentityThatTheNodeOfItsSubjectIsTold() {
    String egress =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-fqdn, namespace: default}
        spec:
          endpointSelector: {matchLabels: {class: xwing}}
          egress:
            - toFQDNs: [{matchName: API.example.com}, {matchName: api.example.com}]
              toPorts: [{ports: [{port: "443", protocol: TCP}]}]
            - toFQDNs: [{matchPattern: "*.example.org"}]
        """;
    DesiredState s = computer.compute(StarWars.snapshot(StarWars.workloads(), egress));
    LocalState b = s.node("node-b");
    assertThat(b.fqdnSelectors())
        .as("one identity per selector, whatever its case or trailing dot")
        .hasSize(2)
        .containsValues("matchName=api.example.com.", "matchPattern=*.example.org.");
    long api =
        b.fqdnSelectors().entrySet().stream()
            .filter(e -> e.getValue().startsWith("matchName"))
            .findFirst()
            .orElseThrow()
            .getKey();
    assertThat(api & (1L << 24)).as("node-local").isNotZero();
    long xwing = b.endpoints().get("default/xwing").identity();
    assertThat(b.policies().get(xwing).entries())
        .containsKey(MapStateKey.port(Direction.EGRESS, api, Protocol.TCP, 443));
    assertThat(s.ipcache())
        .as("the addresses come from the node's DNS proxy")
        .doesNotContainValue(api);
    assertThat(s.node("node-a").fqdnSelectors()).as("no policy of node-a names one").isEmpty();
  }

  @Test
  void theSameInputGivesTheSameState() {
    DesiredState one = computer.compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1));
    DesiredState two =
        new NodeStateComputer(new InMemoryIdentityAllocator())
            .compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1));
    assertThat(two).isEqualTo(one);
  }
}
