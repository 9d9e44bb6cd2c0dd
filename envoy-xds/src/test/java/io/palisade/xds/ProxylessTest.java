package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a proxyless gRPC pod can enforce itself, its Listeners, and the datapath's view of it. */
class ProxylessTest {

  private static DesiredState state(boolean proxyless, String... policies) {
    List<Workload> w = new ArrayList<>();
    for (Workload x : L7Samples.workloads()) {
      boolean door = x.pod().name().equals("cc-door-mgr");
      w.add(new Workload(x.pod(), x.node(), x.addresses(), door && proxyless));
    }
    ClusterSnapshot snapshot =
        new ClusterSnapshot(
            List.of(new Namespace("default", Map.of())), w, StarWars.rules(policies));
    return new NodeStateComputer(new InMemoryIdentityAllocator()).compute(snapshot);
  }

  private static EndpointL7 door(LocalState node) {
    return NodeL7.of(node).endpoints().stream()
        .filter(e -> e.id().equals("default/cc-door-mgr"))
        .findFirst()
        .orElseThrow();
  }

  private static List<MapStateEntry> doorEntries(LocalState node) {
    long id = node.endpoints().get("default/cc-door-mgr").identity();
    return List.copyOf(node.policies().get(id).entries().values());
  }

  @Test
  void grpcRulesOfAProxylessPodAreItsOwnAndItsRedirectsBecomeAllows() {
    DesiredState s = state(true, L7Policies.CC_DOOR);
    LocalState a = s.nodes().get("node-a");
    EndpointL7 door = door(a);
    assertThat(door.proxylessGrpc()).isTrue();
    assertThat(Proxyless.problems(door)).isEmpty();
    assertThat(Proxyless.enforcedByPod(door)).isTrue();
    assertThat(doorEntries(a)).extracting(MapStateEntry::verdict).contains(Verdict.REDIRECT);

    LocalState view = Proxyless.datapathView(a);
    assertThat(doorEntries(view))
        .extracting(MapStateEntry::verdict)
        .doesNotContain(Verdict.REDIRECT);
    assertThat(doorEntries(view)).hasSameSizeAs(doorEntries(a));
    // The deathstar is not proxyless: its state is untouched.
    assertThat(view.policies().get(a.endpoints().get("default/deathstar").identity()))
        .isEqualTo(a.policies().get(a.endpoints().get("default/deathstar").identity()));

    NodeResources r = Proxyless.translate(door, Set.of(), s.ipcache());
    assertThat(r.listeners())
        .extracting(Listener::getName)
        .containsExactly("grpc/server?xds.resource.listening_address=0.0.0.0:50051");
    Listener l = r.listeners().getFirst();
    assertThat(l.getListenerFiltersList()).isEmpty();
    assertThat(l.hasTransparent()).isFalse();
    assertThat(r.clusters()).isEmpty();
    ConfigValidator.check(r);
    assertThat(r.routes().getFirst().toString()).contains("10.42.0.21").contains("GetLocation");
  }

  @Test
  void aPodThatIsNotProxylessKeepsItsRedirects() {
    LocalState a = state(false, L7Policies.CC_DOOR).nodes().get("node-a");
    assertThat(Proxyless.enforcedByPod(door(a))).isFalse();
    assertThat(Proxyless.datapathView(a)).isSameAs(a);
  }

  @Test
  void rulesThatAreNotGrpcKeepTheRedirectAndSayWhy() {
    String http =
        L7Policies.CC_DOOR
            .replace(
                "- {method: POST, path: /cloudcity.DoorManager/GetName}",
                "- {method: GET, path: /cloudcity.DoorManager/GetName, host: door}")
            .replace(
                "- {method: POST, path: /cloudcity.DoorManager/GetLocation}",
                "- {method: POST, path: /x, headers: [\"X-Token: 1\"]}");
    LocalState a = state(true, http).nodes().get("node-a");
    EndpointL7 door = door(a);
    assertThat(Proxyless.problems(door))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("port 50051")
                    .contains(".method: \"GET\" never matches a gRPC call (always POST)"))
        .anySatisfy(p -> assertThat(p).endsWith(".host: not enforced by a proxyless gRPC server"))
        .anySatisfy(
            p -> assertThat(p).endsWith(".headers: not enforced by a proxyless gRPC server"));
    assertThat(Proxyless.datapathView(a)).isSameAs(a);
  }

  @Test
  void aPortWithoutRulesThatTheServerAskedForAdmitsEveryCall() throws Exception {
    LocalState a = state(true, L7Policies.CC_DOOR).nodes().get("node-a");
    NodeResources r = Proxyless.translate(door(a), Set.of(9000), Map.of());
    assertThat(r.listeners())
        .extracting(Listener::getName)
        .containsExactly(
            "grpc/server?xds.resource.listening_address=0.0.0.0:50051",
            "grpc/server?xds.resource.listening_address=0.0.0.0:9000");
    var rules =
        r.routes()
            .get(1)
            .getVirtualHosts(0)
            .getRoutes(0)
            .getTypedPerFilterConfigOrThrow(L7Translator.RBAC_FILTER)
            .unpack(RBACPerRoute.class)
            .getRbac()
            .getRules();
    assertThat(rules.getPoliciesMap().values())
        .singleElement()
        .satisfies(p -> assertThat(p.getPrincipals(0).getAny()).isTrue());
    assertThat(Proxyless.port("grpc/server?xds.resource.listening_address=0.0.0.0:9000"))
        .contains(9000);
    assertThat(Proxyless.port("palisade/http/ingress")).isEmpty();
    assertThat(Proxyless.port("grpc/server?xds.resource.listening_address=0.0.0.0:70000"))
        .isEqualTo(Optional.empty());
  }
}
