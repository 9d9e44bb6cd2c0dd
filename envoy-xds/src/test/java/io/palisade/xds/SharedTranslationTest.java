package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many nodes with the same rules, as the publisher sees them at scale: their RBAC is built once and
 * shared, a node whose L7 state did not change is not set again, and an error found in shared rules
 * still names each node's own endpoint.
 */
class SharedTranslationTest {

  private static final long WEB = 1000;
  private static final long CLIENT = 2000;

  private final XdsPublisher publisher = new XdsPublisher(new Target.Envoy());

  @AfterEach
  void close() {
    publisher.close();
  }

  @Test
  void nodesWithTheSameRulesShareOneRbacAndDifferOnlyInNamesAndAddresses() {
    publisher.publish(1, complete(Map.of("node-0", "/a", "node-1", "/a", "node-2", "/a")));

    RouteConfiguration r0 = onlyRoute("node-0");
    RouteConfiguration r1 = onlyRoute("node-1");
    assertThat(r0.getName()).isEqualTo("palisade/http/ingress/default/web-0");
    assertThat(r1.getName()).isEqualTo("palisade/http/ingress/default/web-1");
    assertThat(rbac(r0)).isSameAs(rbac(r1));
    assertThat(rbac(r0).getValue().toStringUtf8()).contains("/a");
    assertThat(publisher.current("node-1").orElseThrow().listeners().getFirst().toString())
        .contains("10.1.0.2")
        .doesNotContain("10.1.0.1\"");
  }

  @Test
  void aNodeWhoseL7StateDidNotChangeIsNotSetAgain() {
    publisher.publish(1, complete(Map.of("node-0", "/a", "node-1", "/a")));
    NodeResources before0 = publisher.current("node-0").orElseThrow();
    NodeResources before1 = publisher.current("node-1").orElseThrow();

    publisher.publish(2, delta(Map.of("node-0", "/a", "node-1", "/b")));

    assertThat(publisher.current("node-0").orElseThrow()).isSameAs(before0);
    NodeResources after1 = publisher.current("node-1").orElseThrow();
    assertThat(after1).isNotEqualTo(before1);
    assertThat(rbac(onlyRoute("node-1")).getValue().toStringUtf8()).contains("/b");
    assertThat(after1.listeners()).isEqualTo(before1.listeners());
    assertThat(after1.listeners())
        .as("unchanged content keeps the very list the node had, so comparing it is one reference")
        .isSameAs(before1.listeners());
    assertThat(after1.clusters()).isSameAs(before1.clusters());
  }

  @Test
  void aRulesOnlyChangeTakesTheListenersAsTheyWereWithoutBuildingThem() {
    Translation t = new Translation(complete(Map.of("node-0", "/a")).ipcacheUpserts());
    NodeResources a = L7Translator.translate(l7("node-0", "/a", address("node-0")), t, ENVOY);
    NodeResources b = L7Translator.translate(l7("node-0", "/b", address("node-0")), t, ENVOY);

    assertThat(b.routes()).isNotEqualTo(a.routes());
    assertThat(b.listeners())
        .as("the same endpoints and addresses: the list built for them, not one equal to it")
        .isSameAs(a.listeners());
    assertThat(b.listeners().getFirst()).isSameAs(a.listeners().getFirst());
    assertThat(b.clusters()).isSameAs(a.clusters());
  }

  @Test
  void aMovedAddressOrAnotherReaderBuildsListenersOfTheirOwn() {
    Translation t = new Translation(Map.of("10.9.0.1/32", CLIENT));
    NodeResources a = L7Translator.translate(l7("node-0", "/a", "10.1.0.1"), t, ENVOY);
    NodeResources moved = L7Translator.translate(l7("node-0", "/a", "10.1.0.9"), t, ENVOY);
    NodeResources grpc =
        L7Translator.translate(
            l7("node-0", "/a", "10.1.0.1"),
            t,
            new Target.ProxylessGrpc(Proxyless.listenerName(80), 80));

    assertThat(moved.listeners().getFirst().toString())
        .contains("10.1.0.9")
        .doesNotContain("10.1.0.1\"");
    assertThat(grpc.listeners().getFirst().getName()).isEqualTo(Proxyless.listenerName(80));
    assertThat(a.listeners().getFirst().getName()).isEqualTo("palisade/http/ingress");
  }

  @Test
  void twoEndpointsSharingAnAddressAreRefusedEveryTimeNotOnlyTheFirst() {
    Translation t = new Translation(Map.of("10.9.0.1/32", CLIENT));
    NodeL7 clash =
        new NodeL7(
            List.of(
                l7("node-0", "/a", "10.1.0.1").endpoints().getFirst(),
                l7("node-1", "/a", "10.1.0.1").endpoints().getFirst()));

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> L7Translator.translate(clash, t, ENVOY))
          .isInstanceOf(L7TranslationException.class)
          .hasMessageContaining(
              "ingress of default/web-1: shares the address 10.1.0.1 with default/web-0");
    }
  }

  @Test
  void anErrorInSharedRulesNamesEachNodesOwnEndpoint() {
    publisher.publish(1, complete(Map.of("node-0", "/a(", "node-1", "/a(")));

    assertThat(publisher.failure("node-0").orElseThrow())
        .contains("ingress of default/web-0")
        .contains("is not a valid RE2 regular expression");
    assertThat(publisher.failure("node-1").orElseThrow()).contains("ingress of default/web-1");
  }

  private static final Target ENVOY = new Target.Envoy();

  /** {@code node}'s L7 state: its web pod at {@code address} taking GET {@code path}. */
  private static NodeL7 l7(String node, String path, String address) {
    LocalState s = states(Map.of(node, path)).get(node);
    String id = "default/web-" + node.substring(5);
    return NodeL7.of(
        new LocalState(
            Map.of(id, new EndpointState(id, List.of(address), WEB, true, false)), s.policies()));
  }

  private RouteConfiguration onlyRoute(String node) {
    List<RouteConfiguration> routes = publisher.current(node).orElseThrow().routes();
    assertThat(routes).hasSize(1);
    return routes.getFirst();
  }

  private static Any rbac(RouteConfiguration r) {
    return r.getVirtualHosts(0)
        .getRoutes(0)
        .getTypedPerFilterConfigOrThrow(L7Translator.RBAC_FILTER);
  }

  private static NodeChanges complete(Map<String, String> paths) {
    Map<String, Long> ipcache = new HashMap<>();
    ipcache.put("10.9.0.1/32", CLIENT);
    paths.keySet().forEach(n -> ipcache.put(address(n) + "/32", WEB));
    return new NodeChanges(true, ipcache, Set.of(), states(paths));
  }

  private static NodeChanges delta(Map<String, String> paths) {
    return new NodeChanges(false, Map.of(), Set.of(), states(paths));
  }

  private static String address(String node) {
    return "10.1.0." + (Integer.parseInt(node.substring(5)) + 1);
  }

  /** Each node: one web pod whose port 80 takes GET {@code path} from CLIENT. */
  private static Map<String, LocalState> states(Map<String, String> paths) {
    Map<String, LocalState> out = new HashMap<>();
    paths.forEach(
        (node, path) -> {
          MapStateEntry redirect =
              MapStateEntry.redirect(
                  L7Policy.http(List.of(new PortRuleHTTP(path, "GET", null, null, null))));
          IdentityPolicy policy =
              new IdentityPolicy(
                  WEB,
                  Set.of(Direction.INGRESS),
                  Map.of(MapStateKey.port(Direction.INGRESS, CLIENT, Protocol.TCP, 80), redirect));
          String id = "default/web-" + node.substring(5);
          out.put(
              node,
              new LocalState(
                  Map.of(id, new EndpointState(id, List.of(address(node)), WEB, true, false)),
                  Map.of(WEB, policy)));
        });
    return out;
  }
}
