package io.palisade.proxy;

import static io.palisade.proxy.ProxySamples.DEATHSTAR;
import static io.palisade.proxy.ProxySamples.TERMINAL;
import static io.palisade.proxy.ProxySamples.TIEFIGHTER;
import static io.palisade.proxy.ProxySamples.XWING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.palisade.pipeline.L7Policies;
import io.palisade.xds.NodeResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The proxy enforcing what L7Translator makes of the sample policies, against real servers on
 * loopback: the Star Wars demo over HTTP/1.1 keep-alive, Cilium's gRPC door manager over h2c with a
 * real grpc-java client, header rules, egress, policy changes on open connections and refused
 * configs. As root, the listening sockets are transparent and upstream sockets marked.
 */
class EmbeddedProxyTest {

  private static final Duration GUARD = Duration.ofSeconds(60);

  /** The RBAC policy's name says where the Cilium policy wrote the rule. */
  private static final String LANDING_POLICY =
      "80 CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[0]";

  private LoopbackFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new LoopbackFixture();
  }

  @AfterEach
  void stop() throws Exception {
    f.close();
  }

  private static void guarded(Executable test) {
    assertTimeoutPreemptively(GUARD, test);
  }

  @Test
  void theStarWarsDemoLandsAndTheExhaustPortIsRefusedOnOneKeepAliveConnection() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.translate("node-a", ProxySamples.deathstarL7()));
          assertThat(f.proxy.readyPorts()).containsExactly(15080);
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15080)) {
            RawHttp.Response landing =
                c.send("POST", "/v1/request-landing", "deathstar", Map.of(), "");
            assertThat(landing.status()).isEqualTo(200);
            assertThat(landing.body()).isEqualTo("deathstar: POST /v1/request-landing");
            RawHttp.Response exhaust =
                c.send("PUT", "/v1/exhaust-port", "deathstar", Map.of(), "boom");
            assertThat(exhaust.status()).isEqualTo(403);
            assertThat(exhaust.body()).isEqualTo("Access denied");
            // Same connection, still open: a second landing goes through.
            assertThat(c.send("POST", "/v1/request-landing", "deathstar", Map.of(), "").status())
                .isEqualTo(200);
          }
          try (RawHttp c = f.connect(XWING, DEATHSTAR, 80, 15080)) {
            assertThat(c.send("POST", "/v1/request-landing", "deathstar", Map.of(), "").status())
                .as("the xwing is not of the empire")
                .isEqualTo(403);
          }
          assertThat(f.upstreamSaw)
              .containsExactly("POST /v1/request-landing", "POST /v1/request-landing");
          assertThat(f.events)
              .extracting(
                  e -> e.verdict().label() + " " + e.method() + " " + e.path() + " " + e.policy())
              .containsExactly(
                  "l7-allowed POST /v1/request-landing " + LANDING_POLICY,
                  "l7-denied PUT /v1/exhaust-port no policy matched",
                  "l7-allowed POST /v1/request-landing " + LANDING_POLICY,
                  "l7-denied POST /v1/request-landing no policy matched");
          ProxyEvent first = f.events.getFirst();
          assertThat(first.direction()).isEqualTo("ingress");
          assertThat(first.source().getAddress().getHostAddress()).isEqualTo(TIEFIGHTER);
          assertThat(first.destination().getAddress().getHostAddress()).isEqualTo(DEATHSTAR);
          assertThat(first.destination().getPort()).isEqualTo(80);
        });
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderEachDecidedOnItsOwn() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.translate("node-a", ProxySamples.deathstarL7()));
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15080)) {
            String three =
                "POST /v1/request-landing HTTP/1.1\r\nHost: d\r\nContent-Length: 4\r\n\r\nland"
                    + "PUT /v1/exhaust-port HTTP/1.1\r\nHost: d\r\nContent-Length: 4\r\n\r\nboom"
                    + "POST /v1/request-landing?again HTTP/1.1\r\nHost: d\r\nContent-Length: 0\r\n\r\n";
            c.writeRaw(three.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(c.read().body()).isEqualTo("deathstar: POST /v1/request-landing");
            assertThat(c.read().body()).isEqualTo("Access denied");
            // The query is part of :path, as in Cilium: the rule's full match refuses it.
            assertThat(c.read().status()).isEqualTo(403);
            assertThat(c.send("POST", "/v1/request-landing", "d", Map.of(), "").status())
                .isEqualTo(200);
          }
          assertThat(f.upstreamSaw)
              .containsExactly("POST /v1/request-landing", "POST /v1/request-landing");
        });
  }

  @Test
  void aGrpcClientIsAnsweredOnAnAllowedMethodAndRefusedPermissionDeniedOnAnother() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.translate("node-a", L7Policies.CC_DOOR));
          ManagedChannel terminal = f.grpcChannel(TERMINAL);
          ManagedChannel xwing = f.grpcChannel(XWING);
          try {
            assertThat(LoopbackFixture.call(terminal, "GetName", "door 7"))
                .isEqualTo("GetName: door 7");
            assertThatThrownBy(() -> LoopbackFixture.call(terminal, "SetAccessCode", "1234"))
                .isInstanceOfSatisfying(
                    StatusRuntimeException.class,
                    e ->
                        assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
            // Streams of one connection: allowed again after a refusal.
            assertThat(LoopbackFixture.call(terminal, "GetLocation", "door 7"))
                .isEqualTo("GetLocation: door 7");
            assertThatThrownBy(() -> LoopbackFixture.call(xwing, "GetName", "door 7"))
                .isInstanceOfSatisfying(
                    StatusRuntimeException.class,
                    e ->
                        assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.PERMISSION_DENIED));
          } finally {
            terminal.shutdownNow();
            xwing.shutdownNow();
          }
          assertThat(f.events)
              .extracting(
                  e ->
                      e.verdict().label()
                          + " "
                          + e.grpcService().orElse("?")
                          + "/"
                          + e.grpcMethod().orElse("?"))
              .containsExactly(
                  "l7-allowed cloudcity.DoorManager/GetName",
                  "l7-denied cloudcity.DoorManager/SetAccessCode",
                  "l7-allowed cloudcity.DoorManager/GetLocation",
                  "l7-denied cloudcity.DoorManager/GetName");
        });
  }

  @Test
  void aPolicyChangeAppliesToTheNextRequestOfAnOpenKeepAliveConnection() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.translate("node-a", ProxySamples.deathstarL7()));
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15080)) {
            assertThat(c.send("PUT", "/v1/exhaust-port", "deathstar", Map.of(), "").status())
                .isEqualTo(403);
            f.proxy.update(ProxySamples.translate("node-a", L7Policies.DEATHSTAR_OPEN));
            assertThat(c.send("PUT", "/v1/exhaust-port", "deathstar", Map.of(), "").status())
                .isEqualTo(200);
            f.proxy.update(ProxySamples.translate("node-a", ProxySamples.deathstarL7()));
            assertThat(c.send("PUT", "/v1/exhaust-port", "deathstar", Map.of(), "").status())
                .isEqualTo(403);
          }
          assertThat(f.upstreamSaw).containsExactly("PUT /v1/exhaust-port");
        });
  }

  @Test
  void aBadConfigIsRefusedWithItsFieldAndTheLastGoodOneStaysInForce() {
    guarded(
        () -> {
          NodeResources good = ProxySamples.translate("node-a", ProxySamples.deathstarL7());
          f.proxy.update(good);
          NodeResources badRegex = withFirstPolicy(good, regex("(unclosed"));
          assertThatThrownBy(() -> f.proxy.update(badRegex))
              .isInstanceOf(ProxyConfigException.class)
              .hasMessageContaining("the last good config stays in force")
              .hasMessageContaining(
                  "route_configuration[palisade/http/ingress/default/deathstar]"
                      + ".virtual_hosts[0].routes[0].typed_per_filter_config[envoy.filters.http.rbac]"
                      + ".rbac.rules.policies[\""
                      + LANDING_POLICY
                      + "\"].permissions[1]")
              .hasMessageContaining("\"(unclosed\" is not a valid RE2 regular expression");
          NodeResources unknown =
              withFirstPolicy(
                  good,
                  Permission.newBuilder()
                      .setMetadata(
                          io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher.newBuilder()
                              .setFilter("x")
                              .addPath(
                                  io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher.PathSegment
                                      .newBuilder()
                                      .setKey("k"))
                              .setValue(
                                  io.envoyproxy.envoy.type.matcher.v3.ValueMatcher.newBuilder()
                                      .setPresentMatch(true)))
                      .build());
          assertThatThrownBy(() -> f.proxy.update(unknown))
              .isInstanceOf(ProxyConfigException.class)
              .hasMessageContaining("the permission METADATA is not enforced by this proxy");
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15080)) {
            assertThat(c.send("POST", "/v1/request-landing", "deathstar", Map.of(), "").status())
                .isEqualTo(200);
            assertThat(c.send("PUT", "/v1/exhaust-port", "deathstar", Map.of(), "").status())
                .isEqualTo(403);
          }
          assertThat(f.proxy.readyPorts()).containsExactly(15080);
        });
  }

  @Test
  void headerRulesNeedEveryHeaderTheHostAndTheVersion() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.translate("node-a", L7Policies.HEADERS));
          Map<String, String> good =
              Map.of("X-Rebel-Token", "red-5", "X-Squadron", "gold", "X-Api-Version", "2");
          try (RawHttp c = f.connect(XWING, DEATHSTAR, 8080, 15080)) {
            assertThat(
                    c.send("GET", "/v1/plans/exhaust", "deathstar.default.svc:8080", good, "")
                        .status())
                .isEqualTo(200);
            Map<String, String> wrongToken = new java.util.HashMap<>(good);
            wrongToken.put("X-Rebel-Token", "red-6");
            assertThat(
                    c.send("GET", "/v1/plans/exhaust", "deathstar.default.svc", wrongToken, "")
                        .status())
                .isEqualTo(403);
            assertThat(
                    c.send("GET", "/v1/plans/exhaust", "deathstar.default.svc.evil", good, "")
                        .status())
                .isEqualTo(403);
            assertThat(
                    c.send(
                            "GET",
                            "/v1/plans/exhaust",
                            "deathstar.default.svc",
                            Map.of("X-Rebel-Token", "red-5", "X-Squadron", "gold"),
                            "")
                        .status())
                .as("without X-Api-Version")
                .isEqualTo(403);
          }
          assertThat(f.upstreamSaw).containsExactly("GET /v1/plans/exhaust");
        });
  }

  @Test
  void egressChainsAreChosenByTheSourceAndHoldTheDestination() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.translate("node-b", L7Policies.EGRESS));
          assertThat(f.proxy.readyPorts()).containsExactly(15081);
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15081)) {
            assertThat(c.send("GET", "/v1/status", "deathstar", Map.of(), "").status())
                .isEqualTo(200);
            assertThat(c.send("POST", "/v1/request-landing", "deathstar", Map.of(), "").status())
                .isEqualTo(403);
          }
          assertThat(f.events).extracting(ProxyEvent::direction).containsOnly("egress");
        });
  }

  @Test
  void listenersFollowThePortsAndUnknownConnectionsOrTlsAreClosed() {
    guarded(
        () -> {
          f.proxy.update(ProxySamples.all("node-a"));
          assertThat(f.proxy.readyPorts()).containsExactly(15080);
          // No filter chain holds 127.0.0.30: closed at once, as Envoy does.
          try (RawHttp c = f.connect(TIEFIGHTER, "127.0.0.30", 80, 15080)) {
            assertThat(c.closedByPeer()).isTrue();
          }
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15080)) {
            c.writeRaw(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00});
            assertThat(c.closedByPeer()).as("TLS is not terminated, and not passed").isTrue();
          }
          try (RawHttp c = f.connect(TIEFIGHTER, DEATHSTAR, 80, 15080)) {
            RawHttp.Response r =
                c.send(
                    "GET",
                    "/v1/request-landing",
                    "deathstar",
                    Map.of("Connection", "Upgrade", "Upgrade", "websocket"),
                    "");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).isEqualTo("Upgrade and CONNECT are not supported");
          }
          f.proxy.update(NodeResources.EMPTY);
          assertThat(f.proxy.readyPorts()).isEmpty();
          assertThat(f.upstreamSaw).isEmpty();
        });
  }

  private static Permission regex(String regex) {
    return Permission.newBuilder()
        .setHeader(
            io.envoyproxy.envoy.config.route.v3.HeaderMatcher.newBuilder()
                .setName(":path")
                .setStringMatch(
                    io.envoyproxy.envoy.type.matcher.v3.StringMatcher.newBuilder()
                        .setSafeRegex(RegexMatcher.newBuilder().setRegex(regex))))
        .build();
  }

  /** {@code r} with one more permission ORed into the first policy of the first route. */
  private static NodeResources withFirstPolicy(NodeResources r, Permission extra) throws Exception {
    List<RouteConfiguration> routes = new ArrayList<>(r.routes());
    RouteConfiguration rc = routes.getFirst();
    var route = rc.getVirtualHosts(0).getRoutes(0);
    RBACPerRoute per =
        route.getTypedPerFilterConfigOrThrow("envoy.filters.http.rbac").unpack(RBACPerRoute.class);
    var rules = per.getRbac().getRules();
    String name = rules.getPoliciesMap().keySet().iterator().next();
    Policy p = rules.getPoliciesOrThrow(name).toBuilder().addPermissions(extra).build();
    RBACPerRoute changed =
        per.toBuilder()
            .setRbac(per.getRbac().toBuilder().setRules(rules.toBuilder().putPolicies(name, p)))
            .build();
    routes.set(
        0,
        rc.toBuilder()
            .setVirtualHosts(
                0,
                rc.getVirtualHosts(0).toBuilder()
                    .setRoutes(
                        0,
                        route.toBuilder()
                            .putTypedPerFilterConfig(
                                "envoy.filters.http.rbac", com.google.protobuf.Any.pack(changed))))
            .build());
    return new NodeResources(r.clusters(), r.listeners(), routes);
  }
}
