package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketOption;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.SecretRef;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.xds.RbacEvaluator.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Envoy resources of the sample policies, against golden files read back through Envoy's own
 * types; what each RBAC admits, request by request; and what is refused rather than widened. {@code
 * -Dgolden.update=true} rewrites the golden files after an intended change.
 */
class L7TranslatorTest {

  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().usingTypeRegistry(ConfigValidator.TYPES).sortingMapKeys();

  private final DesiredState state = L7Samples.all();

  private NodeResources translate(String node) {
    return L7Translator.translate(NodeL7.of(state.node(node)), state.ipcache(), new Target.Envoy());
  }

  @Test
  void theResourcesOfEachNodeMatchTheirGoldenFileAndParseBackAsEnvoysTypes() throws IOException {
    for (String node : List.of("node-a", "node-b")) {
      NodeResources r = translate(node);
      String json = json(r);
      Path file = GOLDEN.resolve(node + ".json");
      if (Boolean.getBoolean("golden.update")) {
        Files.writeString(file, json);
      }
      assertThat(json)
          .as(file + " (-Dgolden.update=true rewrites it)")
          .isEqualTo(Files.readString(file));
      NodeResources parsed = parse(Files.readString(file));
      assertThat(parsed).isEqualTo(r);
      ConfigValidator.check(parsed);
    }
  }

  @Test
  void theListenerIsTransparentOnTheProxyPortWithOneChainPerEndpointOverRds() throws IOException {
    NodeResources r = parse(Files.readString(GOLDEN.resolve("node-a.json")));
    assertThat(r.listeners())
        .extracting(Listener::getName)
        .containsExactly("palisade/http/ingress");
    Listener l = r.listeners().getFirst();
    assertThat(l.getAddress().getSocketAddress().getPortValue())
        .isEqualTo(L7Parser.HTTP.proxyPort(Direction.INGRESS));
    assertThat(l.getTransparent().getValue()).isTrue();
    assertThat(l.getListenerFiltersList())
        .singleElement()
        .satisfies(f -> assertThat(f.getName()).isEqualTo("envoy.filters.listener.original_dst"));
    assertThat(l.getFilterChainsList())
        .extracting(c -> c.getFilterChainMatch().getPrefixRanges(0).getAddressPrefix())
        .containsExactly("10.42.0.20", "10.42.0.10");
    for (var chain : l.getFilterChainsList()) {
      HttpConnectionManager hcm =
          chain.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
      assertThat(hcm.getStatPrefix()).isNotEmpty();
      assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
      assertThat(hcm.getRds().getRouteConfigName())
          .isEqualTo(L7Translator.routeName(Direction.INGRESS, chain.getName()));
      assertThat(hcm.getHttpFiltersList())
          .extracting(f -> f.getName())
          .containsExactly("envoy.filters.http.rbac", "envoy.filters.http.router");
      // The listener's own RBAC admits nothing: only a route's RBAC lets a request through.
      var own =
          hcm.getHttpFilters(0)
              .getTypedConfig()
              .unpack(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.class);
      assertThat(own.getRules().getAction()).isEqualTo(RBAC.Action.ALLOW);
      assertThat(own.getRules().getPoliciesMap()).isEmpty();
    }
    for (RouteConfiguration route : r.routes()) {
      var action = route.getVirtualHosts(0).getRoutes(0).getRoute();
      assertThat(action.getCluster()).isEqualTo(L7Translator.ORIGINAL_DST_CLUSTER);
    }
    Cluster c = r.clusters().getFirst();
    assertThat(c.getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    SocketOption mark = c.getUpstreamBindConfig().getSocketOptions(0);
    assertThat(List.of(mark.getLevel(), mark.getName(), mark.getIntValue()))
        .containsExactly(1L, 36L, (long) ProxyMark.FROM_PROXY);
  }

  @Test
  void theStarWarsDemoLandsAndKeepsTheExhaustPortClosed() {
    RBAC rbac = rbac(translate("node-a"), "default/deathstar");
    assertThat(allows(rbac, "POST", "/v1/request-landing", "10.42.0.11", 80)).isTrue();
    assertThat(allows(rbac, "PUT", "/v1/exhaust-port", "10.42.0.11", 80)).isFalse();
    assertThat(allows(rbac, "POST", "/v1/request-landing?x=1", "10.42.0.11", 80))
        .as(":path keeps the query, and the regex matches the whole of it, as in Cilium")
        .isFalse();
    assertThat(allows(rbac, "POST", "/v1/request-landing", "10.42.0.12", 80))
        .as("the xwing is not of the Empire")
        .isFalse();
    assertThat(allows(rbac, "POST", "/v1/request-landing", "10.42.0.11", 8080)).isFalse();
  }

  @Test
  void grpcCallsArePostsToTheirMethodPath() {
    RBAC rbac = rbac(translate("node-a"), "default/cc-door-mgr");
    String terminal = "10.42.0.21";
    assertThat(allows(rbac, "POST", "/cloudcity.DoorManager/GetName", terminal, 50051)).isTrue();
    assertThat(allows(rbac, "POST", "/cloudcity.DoorManager/GetLocation", terminal, 50051))
        .isTrue();
    assertThat(allows(rbac, "POST", "/cloudcity.DoorManager/SetAccessCode", terminal, 50051))
        .isFalse();
    assertThat(allows(rbac, "POST", "/cloudcity.DoorManager/GetName", "10.42.0.11", 50051))
        .isFalse();
    assertThat(rbac.getPoliciesMap()).hasSize(3);
  }

  @Test
  void headerRulesNeedEveryHeaderTheyName() {
    RBAC rbac = rbac(translate("node-a"), "default/deathstar");
    Map<String, String> good =
        Map.of("X-Rebel-Token", "red-5", "X-Squadron", "rogue", "X-Api-Version", "2");
    String host = "deathstar.default.svc";
    assertThat(allows(rbac, "GET", "/v1/plans/exhaust", host, good, "10.42.0.12", 8080)).isTrue();
    assertThat(
            allows(
                rbac,
                "GET",
                "/v1/plans/exhaust",
                "deathstar.default.svc:8080",
                good,
                "10.42.0.12",
                8080))
        .isTrue();
    for (String missing : good.keySet()) {
      Map<String, String> less = new java.util.HashMap<>(good);
      less.remove(missing);
      assertThat(allows(rbac, "GET", "/v1/plans/exhaust", host, less, "10.42.0.12", 8080))
          .as("without " + missing)
          .isFalse();
    }
    Map<String, String> wrong = new java.util.HashMap<>(good);
    wrong.put("X-Rebel-Token", "red-6");
    assertThat(allows(rbac, "GET", "/v1/plans/exhaust", host, wrong, "10.42.0.12", 8080)).isFalse();
    assertThat(allows(rbac, "GET", "/v1/plans/exhaust", "evil.example", good, "10.42.0.12", 8080))
        .isFalse();
  }

  @Test
  void egressRulesNameTheirPeersAsDestinations() {
    NodeResources b = translate("node-b");
    assertThat(b.listeners()).extracting(Listener::getName).containsExactly("palisade/http/egress");
    RBAC rbac = routeRbac(b, L7Translator.routeName(Direction.EGRESS, "default/tiefighter"));
    Request ok =
        new Request("GET", "/v1/status", "deathstar", Map.of(), "10.42.0.11", "10.42.0.10", 80);
    assertThat(RbacEvaluator.allows(rbac, ok)).isTrue();
    assertThat(RbacEvaluator.allows(rbac, withDestination(ok, "10.42.0.12"))).isFalse();
    assertThat(
            RbacEvaluator.allows(
                rbac,
                new Request("POST", "/v1/status", "", Map.of(), ok.source(), ok.destination(), 80)))
        .isFalse();
  }

  @Test
  void aCidrPeerDoesNotAdmitThePodsInsideItThatHaveOtherIdentities() {
    EndpointL7 e =
        new EndpointL7("default/web", List.of("10.0.1.1"), 100, List.of(grant(Set.of(200L))));
    Map<String, Long> ipcache =
        Map.of("10.0.0.0/16", 200L, "10.0.5.5/32", 300L, "10.0.1.1/32", 100L);
    RBAC rbac = only(L7Translator.translate(new NodeL7(List.of(e)), ipcache, new Target.Envoy()));
    assertThat(allows(rbac, "GET", "/", "10.0.9.9", 80)).isTrue();
    assertThat(allows(rbac, "GET", "/", "10.0.5.5", 80)).isFalse();
    assertThat(allows(rbac, "GET", "/", "10.1.0.1", 80)).isFalse();
  }

  @Test
  void aPlainAllowOfAPeerOnARedirectedPortAdmitsEveryRequestOfThatPeer() {
    String l3Only =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: xwing-l3, namespace: default}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          ingress:
            - fromEndpoints: [{matchLabels: {class: xwing}}]
        """;
    String bothSides =
        L7Policies.DEATHSTAR_L7.replace(
            "fromEndpoints: [{matchLabels: {org: empire}}]",
            "fromEndpoints: [{matchLabels: {org: empire}}, {matchLabels: {org: alliance}}]");
    DesiredState s = L7Samples.state(bothSides, l3Only);
    RBAC rbac =
        rbac(
            L7Translator.translate(NodeL7.of(s.node("node-a")), s.ipcache(), new Target.Envoy()),
            "default/deathstar");
    assertThat(allows(rbac, "PUT", "/v1/exhaust-port", "10.42.0.12", 80)).isTrue();
    assertThat(allows(rbac, "PUT", "/v1/exhaust-port", "10.42.0.11", 80)).isFalse();
  }

  @Test
  void whatRbacCannotSayIsRefusedAtItsPlaceNeverWidened() {
    PortRuleHTTP secret =
        new PortRuleHTTP(
            "/a",
            null,
            null,
            null,
            List.of(new HeaderMatch(null, "X-Token", new SecretRef("default", "token"), null)));
    PortRuleHTTP log =
        new PortRuleHTTP(
            "/b", null, null, null, List.of(new HeaderMatch("LOG", "X-Debug", null, "1")));
    PortRuleHTTP backreference = new PortRuleHTTP("(a)\\1", null, null, null, null);
    PortRuleHTTP huge = new PortRuleHTTP("a".repeat(2000), null, null, null, null);
    List<L7Grant> grants = new ArrayList<>();
    for (PortRuleHTTP r : List.of(secret, log, backreference, huge)) {
      grants.add(
          new L7Grant(
              Direction.INGRESS, L7Parser.HTTP, 80, 80, r, Set.of(MapStateKey.ANY_IDENTITY)));
    }
    NodeL7 node =
        new NodeL7(List.of(new EndpointL7("default/web", List.of("10.0.1.1"), 1, grants)));
    assertThatThrownBy(() -> L7Translator.translate(node, Map.of(), new Target.Envoy()))
        .isInstanceOfSatisfying(
            L7TranslationException.class,
            e ->
                assertThat(e.errors())
                    .hasSize(4)
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .contains(
                                    "ingress of default/web port 80 rule {path: \"/a\", headerMatches: 1}"
                                        + ".headerMatches[0].secret: a header value from Secret default/token"))
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .contains(
                                    ".headerMatches[0].mismatch: \"LOG\" asks the proxy to let a mismatching"))
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .contains(
                                    ".path: \"(a)\\1\" is not a valid RE2 regular expression"))
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .contains(
                                    ".path: a regular expression of 2000 characters; the proxies take at most"
                                        + " 1024")));
  }

  @Test
  void theValidatorCatchesWhatEnvoyWouldNack() {
    NodeResources good = translate("node-a");
    RouteConfiguration bad =
        good.routes().getFirst().toBuilder()
            .setVirtualHosts(
                0, good.routes().getFirst().getVirtualHosts(0).toBuilder().clearDomains())
            .build();
    Cluster noName = good.clusters().getFirst().toBuilder().clearName().build();
    assertThatThrownBy(
            () ->
                ConfigValidator.check(
                    new NodeResources(List.of(noName), good.listeners(), List.of(bad))))
        .isInstanceOfSatisfying(
            L7TranslationException.class,
            e ->
                assertThat(e.errors())
                    .anySatisfy(
                        m ->
                            assertThat(m)
                                .endsWith(
                                    ".virtual_hosts[0].domains: needs at least 1 items, has 0"))
                    .anySatisfy(
                        m ->
                            assertThat(m).isEqualTo("cluster .name: needs at least 1 characters")));
  }

  // --- helpers

  private static L7Grant grant(Set<Long> peers) {
    return new L7Grant(
        Direction.INGRESS,
        L7Parser.HTTP,
        80,
        80,
        new PortRuleHTTP(null, "GET", null, null, null),
        peers);
  }

  private static Request withDestination(Request r, String destination) {
    return new Request(
        r.method(), r.path(), r.authority(), r.headers(), r.source(), destination, r.port());
  }

  private static boolean allows(RBAC rbac, String method, String path, String source, int port) {
    return allows(rbac, method, path, "deathstar", Map.of(), source, port);
  }

  private static boolean allows(
      RBAC rbac,
      String method,
      String path,
      String host,
      Map<String, String> headers,
      String source,
      int port) {
    return RbacEvaluator.allows(
        rbac, new Request(method, path, host, headers, source, "10.42.0.10", port));
  }

  static RBAC rbac(NodeResources r, String endpoint) {
    return routeRbac(r, L7Translator.routeName(Direction.INGRESS, endpoint));
  }

  private static RBAC only(NodeResources r) {
    assertThat(r.routes()).hasSize(1);
    return routeRbac(r, r.routes().getFirst().getName());
  }

  static RBAC routeRbac(NodeResources r, String name) {
    RouteConfiguration route =
        r.routes().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
    try {
      return route
          .getVirtualHosts(0)
          .getRoutes(0)
          .getTypedPerFilterConfigOrThrow(L7Translator.RBAC_FILTER)
          .unpack(RBACPerRoute.class)
          .getRbac()
          .getRules();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static String json(NodeResources r) throws InvalidProtocolBufferException {
    StringBuilder out = new StringBuilder("{\n\"clusters\": [\n");
    List<String> parts = new ArrayList<>();
    for (var c : r.clusters()) parts.add(JSON.print(c));
    out.append(String.join(",\n", parts)).append("\n],\n\"listeners\": [\n");
    parts.clear();
    for (var l : r.listeners()) parts.add(JSON.print(l));
    out.append(String.join(",\n", parts)).append("\n],\n\"routes\": [\n");
    parts.clear();
    for (var rc : r.routes()) parts.add(JSON.print(rc));
    return out.append(String.join(",\n", parts)).append("\n]\n}\n").toString();
  }

  /** The golden form read back through Envoy's types, as a proxy would read it. */
  private static NodeResources parse(String json) throws InvalidProtocolBufferException {
    var tree = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
    JsonFormat.Parser p = JsonFormat.parser().usingTypeRegistry(ConfigValidator.TYPES);
    List<Cluster> clusters = new ArrayList<>();
    for (var e : tree.getAsJsonArray("clusters")) {
      Cluster.Builder b = Cluster.newBuilder();
      p.merge(e.toString(), b);
      clusters.add(b.build());
    }
    List<Listener> listeners = new ArrayList<>();
    for (var e : tree.getAsJsonArray("listeners")) {
      Listener.Builder b = Listener.newBuilder();
      p.merge(e.toString(), b);
      listeners.add(b.build());
    }
    List<RouteConfiguration> routes = new ArrayList<>();
    for (var e : tree.getAsJsonArray("routes")) {
      RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
      p.merge(e.toString(), b);
      routes.add(b.build());
    }
    return new NodeResources(clusters, listeners, routes);
  }
}
