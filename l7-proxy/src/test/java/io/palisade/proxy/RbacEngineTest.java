package io.palisade.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.palisade.xds.NodeResources;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The RBAC the translator emits, decided request by request; and what refuses to compile. */
class RbacEngineTest {

  private final NodeResources nodeA = ProxySamples.all("node-a");
  private final NodeResources nodeB = ProxySamples.all("node-b");

  @Test
  void theStarWarsDemoLandsAndKeepsTheExhaustPortClosed() {
    RbacEngine rbac =
        RbacEngine.compile(
            ProxySamples.rbac(nodeA, "palisade/http/ingress/default/deathstar"), "t");
    RbacEngine.Decision landing =
        rbac.decide(
            request(
                "POST",
                "/v1/request-landing",
                Map.of(),
                ProxySamples.TIEFIGHTER,
                ProxySamples.DEATHSTAR,
                80));
    assertThat(landing.allowed()).isTrue();
    assertThat(landing.policy())
        .get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("80");
    assertThat(
            rbac.decide(
                request(
                    "PUT",
                    "/v1/exhaust-port",
                    Map.of(),
                    ProxySamples.TIEFIGHTER,
                    ProxySamples.DEATHSTAR,
                    80)))
        .isEqualTo(new RbacEngine.Decision(false, Optional.empty()));
    // The xwing is not of the empire; a query string is part of :path, as in Cilium.
    assertThat(
            rbac.decide(
                    request(
                        "POST",
                        "/v1/request-landing",
                        Map.of(),
                        ProxySamples.XWING,
                        ProxySamples.DEATHSTAR,
                        80))
                .allowed())
        .isFalse();
    assertThat(
            rbac.decide(
                    request(
                        "POST",
                        "/v1/request-landing?x=1",
                        Map.of(),
                        ProxySamples.TIEFIGHTER,
                        ProxySamples.DEATHSTAR,
                        80))
                .allowed())
        .isFalse();
    assertThat(
            rbac.decide(
                    request(
                        "POST",
                        "/v1/request-landing",
                        Map.of(),
                        ProxySamples.TIEFIGHTER,
                        ProxySamples.DEATHSTAR,
                        81))
                .allowed())
        .isFalse();
  }

  @Test
  void headerRulesNeedEveryHeaderAndTheHostAsAFullMatch() {
    RbacEngine rbac =
        RbacEngine.compile(
            ProxySamples.rbac(nodeA, "palisade/http/ingress/default/deathstar"), "t");
    Map<String, String> good =
        Map.of(
            ":authority", "deathstar.default.svc:8080",
            "x-rebel-token", "red-5",
            "x-squadron", "gold",
            "x-api-version", "2");
    assertThat(
            rbac.decide(
                    request(
                        "GET",
                        "/v1/plans/exhaust",
                        good,
                        ProxySamples.XWING,
                        ProxySamples.DEATHSTAR,
                        8080))
                .allowed())
        .isTrue();
    for (String drop : good.keySet()) {
      Map<String, String> less = new HashMap<>(good);
      less.remove(drop);
      assertThat(
              rbac.decide(
                      request(
                          "GET",
                          "/v1/plans/exhaust",
                          less,
                          ProxySamples.XWING,
                          ProxySamples.DEATHSTAR,
                          8080))
                  .allowed())
          .as("without " + drop)
          .isFalse();
    }
    Map<String, String> wrongHost = new HashMap<>(good);
    wrongHost.put(":authority", "deathstar.default.svc.evil");
    assertThat(
            rbac.decide(
                    request(
                        "GET",
                        "/v1/plans/exhaust",
                        wrongHost,
                        ProxySamples.XWING,
                        ProxySamples.DEATHSTAR,
                        8080))
                .allowed())
        .isFalse();
  }

  @Test
  void egressRulesHoldTheDestinationAddress() {
    RbacEngine rbac =
        RbacEngine.compile(
            ProxySamples.rbac(nodeB, "palisade/http/egress/default/tiefighter"), "t");
    assertThat(
            rbac.decide(
                    request(
                        "GET",
                        "/v1/status",
                        Map.of(),
                        ProxySamples.TIEFIGHTER,
                        ProxySamples.DEATHSTAR,
                        80))
                .allowed())
        .isTrue();
    assertThat(
            rbac.decide(
                    request(
                        "GET",
                        "/v1/status",
                        Map.of(),
                        ProxySamples.TIEFIGHTER,
                        ProxySamples.XWING,
                        80))
                .allowed())
        .isFalse();
    assertThat(
            rbac.decide(
                    request(
                        "POST",
                        "/v1/status",
                        Map.of(),
                        ProxySamples.TIEFIGHTER,
                        ProxySamples.DEATHSTAR,
                        80))
                .allowed())
        .isFalse();
  }

  @Test
  void aDenyPolicyRefusesWhatItMatchesAndNamesItself() {
    RBAC deny =
        RBAC.newBuilder()
            .setAction(RBAC.Action.DENY)
            .putPolicies(
                "no-admin",
                Policy.newBuilder()
                    .addPermissions(
                        Permission.newBuilder()
                            .setHeader(
                                HeaderMatcher.newBuilder()
                                    .setName(":path")
                                    .setStringMatch(
                                        StringMatcher.newBuilder().setPrefix("/admin"))))
                    .addPrincipals(
                        Principal.newBuilder()
                            .setDirectRemoteIp(
                                CidrRange.newBuilder()
                                    .setAddressPrefix("127.0.0.0")
                                    .setPrefixLen(com.google.protobuf.UInt32Value.of(8))))
                    .build())
            .build();
    RbacEngine rbac = RbacEngine.compile(deny, "t");
    assertThat(rbac.decide(request("GET", "/admin/x", Map.of(), "127.0.0.5", "127.0.0.1", 80)))
        .isEqualTo(new RbacEngine.Decision(false, Optional.of("no-admin")));
    assertThat(
            rbac.decide(request("GET", "/admin/x", Map.of(), "10.0.0.5", "127.0.0.1", 80))
                .allowed())
        .isTrue();
    assertThat(rbac.decide(request("GET", "/x", Map.of(), "127.0.0.5", "127.0.0.1", 80)).allowed())
        .isTrue();
  }

  @Test
  void anUnknownMatcherOrABadRegexRefusesTheWholeRbacNamingEachField() {
    RBAC bad =
        RBAC.newBuilder()
            .setAction(RBAC.Action.ALLOW)
            .putPolicies(
                "p",
                Policy.newBuilder()
                    .addPermissions(
                        Permission.newBuilder()
                            .setUrlPath(
                                PathMatcher.newBuilder()
                                    .setPath(StringMatcher.newBuilder().setExact("/"))))
                    .addPermissions(
                        Permission.newBuilder()
                            .setHeader(
                                HeaderMatcher.newBuilder()
                                    .setName(":path")
                                    .setStringMatch(
                                        StringMatcher.newBuilder()
                                            .setSafeRegex(
                                                RegexMatcher.newBuilder().setRegex("(unclosed")))))
                    .addPrincipals(
                        Principal.newBuilder()
                            .setAuthenticated(Principal.Authenticated.getDefaultInstance()))
                    .build())
            .build();
    assertThatThrownBy(() -> RbacEngine.compile(bad, "route"))
        .isInstanceOf(ProxyConfigException.class)
        .satisfies(
            e ->
                assertThat(((ProxyConfigException) e).problems())
                    .containsExactly(
                        "route.policies[\"p\"].permissions[0]: the permission URL_PATH is not enforced by this proxy; the config is refused",
                        "route.policies[\"p\"].permissions[1].header.string_match.safe_regex.regex: \"(unclosed\" is not a valid RE2 regular expression: missing closing )",
                        "route.policies[\"p\"].principals[0]: the principal AUTHENTICATED is not enforced by this proxy; the config is refused"));
  }

  static RequestFacts request(
      String method,
      String path,
      Map<String, String> headers,
      String source,
      String destination,
      int port) {
    Map<String, List<String>> all = new HashMap<>();
    headers.forEach((k, v) -> all.put(k, List.of(v)));
    all.put(":method", List.of(method));
    all.put(":path", List.of(path));
    return new RequestFacts(all, address(source), address(destination), port);
  }

  static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
