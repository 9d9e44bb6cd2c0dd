package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.l7.HttpRequest;
import io.palisade.policy.l7.HttpRequest.Header;
import io.palisade.policy.l7.L7Evaluator;
import io.palisade.xds.RbacEvaluator.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The policy engine's L7 evaluator (what {@code palisade trace} says) and the Envoy RBAC the
 * translation emits (what the proxy enforces) decide the same on the Star Wars, gRPC and header
 * samples, request by request, for peers the rules admit at L3.
 */
class EvaluatorAgreesWithRbacTest {

  private final NodeResources node =
      L7Translator.translate(
          NodeL7.of(L7Samples.all().node("node-a")), L7Samples.all().ipcache(), new Target.Envoy());
  private final NodeL7 l7 = NodeL7.of(L7Samples.all().node("node-a"));

  private void agree(String endpoint, Request r) {
    RBAC rbac = L7TranslatorTest.rbac(node, endpoint);
    EndpointL7 e =
        l7.endpoints().stream().filter(x -> x.id().equals(endpoint)).findFirst().orElseThrow();
    List<Object> rules = new ArrayList<>();
    for (L7Grant g : e.grants()) {
      if (g.direction() == Direction.INGRESS
          && r.port() >= g.firstPort()
          && r.port() <= g.lastPort()) {
        rules.add(g.rule());
      }
    }
    List<Header> headers = new ArrayList<>();
    r.headers().forEach((k, v) -> headers.add(new Header(k, v)));
    HttpRequest request =
        new HttpRequest(r.method(), r.path(), Optional.ofNullable(r.authority()), headers);
    assertThat(L7Evaluator.evaluate(rules, request).allowed())
        .as(r.toString())
        .isEqualTo(RbacEvaluator.allows(rbac, r));
  }

  private static Request to(
      String dst,
      int port,
      String src,
      String method,
      String path,
      String host,
      Map<String, String> h) {
    return new Request(method, path, host, h, src, dst, port);
  }

  @Test
  void starWarsAndGrpc() {
    String tie = "10.42.0.11";
    for (String[] mp :
        new String[][] {
          {"POST", "/v1/request-landing"},
          {"PUT", "/v1/exhaust-port"},
          {"POST", "/v1/request-landing?x=1"},
          {"post", "/v1/request-landing"},
          {"POST", "/v1/request-landing/"}
        }) {
      agree("default/deathstar", to("10.42.0.10", 80, tie, mp[0], mp[1], "deathstar", Map.of()));
    }
    for (String method : List.of("GetName", "GetLocation", "RequestMaintenance", "SetAccessCode")) {
      agree(
          "default/cc-door-mgr",
          to(
              "10.42.0.20",
              50051,
              "10.42.0.21",
              "POST",
              "/cloudcity.DoorManager/" + method,
              "door",
              Map.of()));
    }
  }

  /**
   * Cilium's union: an allow of every peer on the port, beside L7 rules for some peers, lets every
   * request of those peers through, as {@code palisade trace} says.
   */
  @Test
  void anAllowOfEveryPeerOpensTheRedirectedPeersRequests() {
    String open =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: open80, namespace: default}
        spec:
          endpointSelector: {matchLabels: {org: empire, class: deathstar}}
          ingress:
            - fromEndpoints: [{}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;
    var state = L7Samples.state(L7Policies.DEATHSTAR_L7, open);
    NodeResources both =
        L7Translator.translate(
            NodeL7.of(state.node("node-a")), state.ipcache(), new Target.Envoy());
    RBAC rbac = L7TranslatorTest.rbac(both, "default/deathstar");
    Request put =
        to("10.42.0.10", 80, "10.42.0.11", "PUT", "/v1/exhaust-port", "deathstar", Map.of());
    assertThat(RbacEvaluator.allows(rbac, put)).isTrue();
  }

  @Test
  void headerRules() {
    Map<String, String> good =
        Map.of("X-Rebel-Token", "red-5", "X-Squadron", "rogue", "X-Api-Version", "2");
    List<Map<String, String>> cases = new ArrayList<>(List.of(good));
    for (String k : good.keySet()) {
      Map<String, String> less = new HashMap<>(good);
      less.remove(k);
      cases.add(less);
      Map<String, String> other = new HashMap<>(good);
      other.put(k, "x");
      cases.add(other);
    }
    for (Map<String, String> h : cases) {
      for (String host : List.of("deathstar.default.svc", "deathstar.default.svc:8080", "evil")) {
        for (String path : List.of("/v1/plans/exhaust", "/v2/plans/exhaust")) {
          agree("default/deathstar", to("10.42.0.10", 8080, "10.42.0.12", "GET", path, host, h));
        }
      }
    }
  }
}
