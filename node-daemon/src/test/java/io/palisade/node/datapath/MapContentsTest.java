package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.maps.EndpointValue;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.PolicyKey;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Desired state to map contents, without a kernel. */
class MapContentsTest {

  static CidrPrefix p(String s) {
    return CidrPrefix.parse(s).orElseThrow();
  }

  @Test
  void splitsHostsFromCidrsAndExactPortsFromPrefixes() {
    MapState ms = new MapState();
    MapStateKey exact = MapStateKey.port(Direction.INGRESS, 300, Protocol.TCP, 80);
    MapStateKey range = new MapStateKey(Direction.INGRESS, 300, 6, 9000, 14);
    MapStateKey anyPeer = MapStateKey.protocol(Direction.EGRESS, 0, Protocol.UDP);
    ms.insert(exact, MapStateEntry.ALLOW);
    ms.insert(range, MapStateEntry.DENY);
    ms.insert(anyPeer, MapStateEntry.ALLOW);
    DatapathState desired =
        new DatapathState(
            Map.of(p("10.0.0.5/32"), 300L, p("203.0.113.0/24"), 16777217L),
            List.of(new LocalEndpoint(p("10.0.0.7/32"), 400, "lxc7")),
            Map.of(
                400L,
                IdentityPolicy.of(new EndpointPolicy(400, EnumSet.of(Direction.INGRESS), ms))));

    MapContents c = MapContents.of(desired, name -> name.equals("lxc7") ? 17 : -1);

    assertThat(c.hosts())
        .containsEntry(p("10.0.0.5/32"), 300L)
        .containsEntry(p("10.0.0.7/32"), 400L);
    assertThat(c.cidrs()).isEqualTo(Map.of(p("203.0.113.0/24"), 16777217L));
    assertThat(c.policyExact()).containsOnlyKeys(new PolicyKey(400, exact));
    assertThat(c.policy()).containsOnlyKeys(new PolicyKey(400, range), new PolicyKey(400, anyPeer));
    assertThat(c.policy().get(new PolicyKey(400, range)).verdict()).isEqualTo(Layouts.VERDICT_DENY);
    EndpointValue ep = c.endpoints().get(p("10.0.0.7/32"));
    assertThat(ep.ifindex()).isEqualTo(17);
    assertThat(ep.flags()).isEqualTo(Layouts.EP_ENFORCE_INGRESS | Layouts.EP_ANY_PEER_EGRESS);
  }

  @Test
  void anEndpointWithoutPolicyEnforcesBothDirections() {
    DatapathState desired =
        new DatapathState(
            Map.of(), List.of(new LocalEndpoint(p("fd00::7/128"), 9, "lxc1")), Map.of());
    EndpointValue ep = MapContents.of(desired, n -> 3).endpoints().get(p("fd00::7/128"));
    assertThat(ep.enforcesIngress()).isTrue();
    assertThat(ep.enforcesEgress()).isTrue();
  }
}
