package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.Probes;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import io.palisade.node.observe.FlowEvent;
import io.palisade.node.observe.FlowLog;
import io.palisade.policy.flow.Outcome;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Real TCP, UDP and ICMP through the datapath for the policy shapes that matter, each checked
 * against the policy engine's own verdicts.
 */
class PolicyEnforcementIT extends NodeScenarios {

  @Test
  void noPolicyLetsEverythingThrough() {
    node.enforce("");
    List<Flow> flows = withOutside(node.podMatrix());
    assertThat(flows).allMatch(f -> node.expected(f) == Outcome.ALLOWED);
    assertMatchesEngine(flows);
  }

  @Test
  void ingressAllowedByPodLabels() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-from-frontend, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web6-from-frontend, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: web6}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(DB, BACKEND, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(STRANGER, BACKEND, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(CLIENT6, WEB6, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.udp(CLIENT6, WEB6, 53))).isEqualTo(Outcome.DENIED);
    assertMatchesEngine(node.podMatrix());
  }

  /**
   * A YAML alias means its anchor's value: the deny below names the frontend through an alias, and
   * the frontend is refused on real packets (it used to read as the anchor's name, "blocked", and
   * deny nothing).
   */
  @Test
  void aYamlAliasInADenyMeansTheAnchorsValue() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: backend-but-blocked
          namespace: app
          annotations: {blocked-app: &blocked frontend}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEntities: [all]
          ingressDeny:
            - fromEndpoints: [{matchLabels: {app: *blocked}}]
        """);
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(DB, BACKEND, 80))).isEqualTo(Outcome.ALLOWED);
    assertMatchesEngine(node.podMatrix());
  }

  @Test
  void namespaceSelectors() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: db-from-team-app, namespace: data}
        spec:
          endpointSelector: {matchLabels: {app: db}}
          ingress:
            - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.team: app}}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: stranger-from-own-ns, namespace: other}
        spec:
          endpointSelector: {}
          ingress:
            - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: data}}]
        """);
    assertThat(node.expected(Flow.tcp(BACKEND, DB, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(STRANGER, DB, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(DB, STRANGER, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(FRONTEND, STRANGER, 80))).isEqualTo(Outcome.DENIED);
    assertMatchesEngine(node.podMatrix());
  }

  @Test
  void denyOverridesAllow() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-open-but-not-80-for-frontend, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEntities: [cluster]
          ingressDeny:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    List<Flow> flows = new ArrayList<>(node.podMatrix());
    flows.add(Flow.tcp(FRONTEND, BACKEND, 8080));
    flows.add(Flow.tcp(DB, BACKEND, 8080));
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 8080))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(DB, BACKEND, 80))).isEqualTo(Outcome.ALLOWED);
    assertMatchesEngine(flows);
  }

  @Test
  void portRanges() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-range, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - toPorts: [{ports: [{port: "9000", endPort: 9005, protocol: TCP}]}]
        """);
    List<Flow> flows = new ArrayList<>();
    for (int port : List.of(80, 8999, 9000, 9003, 9005, 9006)) {
      flows.add(Flow.tcp(FRONTEND, BACKEND, port));
      flows.add(Flow.tcp(DB, BACKEND, port));
    }
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 9003))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 9006))).isEqualTo(Outcome.DENIED);
    assertMatchesEngine(flows);
  }

  @Test
  void cidrWithExceptTowardTheOutsideHost() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: frontend-to-outside, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: frontend}}
          egress:
            - toCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.16/28]}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    assertThat(node.expected(Flow.tcp(FRONTEND, OUT_ALLOWED, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(FRONTEND, OUT_EXCEPTED, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.DENIED);
    assertMatchesEngine(withOutside(node.podMatrix()));
  }

  @Test
  void networkPolicyIpBlockReachesThePodsInsideIt() {
    // A NetworkPolicy ipBlock covers pod addresses (the db is in its except); the same block as
    // a CiliumNetworkPolicy toCIDRSet reaches no pod.
    node.enforce(
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: backend-to-block, namespace: app}
        spec:
          podSelector: {matchLabels: {app: backend}}
          policyTypes: [Egress]
          egress:
            - to: [{ipBlock: {cidr: 10.200.0.0/24, except: [10.200.0.13/32]}}]
              ports: [{port: 80, protocol: TCP}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: frontend-to-block, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: frontend}}
          egress:
            - toCIDRSet: [{cidr: 10.200.0.0/24, except: [10.200.0.13/32]}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    assertThat(node.expected(Flow.tcp(BACKEND, FRONTEND, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(BACKEND, STRANGER, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(BACKEND, DB, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(BACKEND, FRONTEND, 81))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(BACKEND, OUT_ALLOWED, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.DENIED);
    List<Flow> flows = new ArrayList<>(withOutside(node.podMatrix()));
    flows.add(Flow.tcp(BACKEND, FRONTEND, 81));
    assertMatchesEngine(flows);
  }

  @Test
  void egressAndIngressTogetherWithRepliesThroughConntrack() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: frontend-egress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: frontend}}
          egress:
            - toEndpoints: [{matchLabels: {app: backend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}, {port: "53", protocol: UDP}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-ingress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}, {port: "53", protocol: UDP}]}]
          egress:
            - toEndpoints: [{matchLabels: {app: db}}]
        """);
    // Both sides deny by default in the reply's direction: the reply passes by conntrack only.
    assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.ALLOWED);
    assertThat(node.expected(Flow.tcp(BACKEND, FRONTEND, 80))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.udp(FRONTEND, BACKEND, 53))).isEqualTo(Outcome.ALLOWED);
    assertMatchesEngine(withOutside(node.podMatrix()));
    long replies = node.datapath().counters().getOrDefault(1, new long[2])[0];
    assertThat(replies).as("packets forwarded as conntrack replies").isPositive();
  }

  @Test
  void policyTightenedWhileAConnectionIsOpen() throws Exception {
    String open =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-ingress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;
    node.enforce(open);
    var frontend = node.topology().pod(FRONTEND).netns();
    try (SocketChannel conn =
        Probes.open(frontend, node.address(BACKEND), 80, DatapathFixture.TIMEOUT)) {
      assertThat(Probes.echoes(conn, DatapathFixture.TIMEOUT)).isTrue();
      node.enforce(open.replace("app: frontend", "app: nobody"));
      assertThat(node.expected(Flow.tcp(FRONTEND, BACKEND, 80))).isEqualTo(Outcome.DENIED);
      assertThat(Probes.echoes(conn, DatapathFixture.TIMEOUT))
          .as("the open connection is cut by the tightened policy")
          .isFalse();
      assertMatchesEngine(List.of(Flow.tcp(FRONTEND, BACKEND, 80)));
    }
  }

  @Test
  void icmpErrorsOfATrackedFlowPassAsRelated() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-udp, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "5353", protocol: UDP}]}]
          egress:
            - toEndpoints: [{matchLabels: {app: db}}]
        """);
    // The backend may not send anything to the frontend, except what belongs to its flows.
    assertThat(node.expected(Flow.udp(BACKEND, FRONTEND, 53))).isEqualTo(Outcome.DENIED);
    assertThat(node.expected(Flow.udp(FRONTEND, BACKEND, 5353))).isEqualTo(Outcome.ALLOWED);
    long before = node.datapath().counters().getOrDefault(13, new long[2])[0];
    var frontend = node.topology().pod(FRONTEND).netns();
    assertThat(Probes.udpRefused(frontend, node.address(BACKEND), 5353, DatapathFixture.TIMEOUT))
        .as("the port-unreachable error of an allowed flow reaches the client")
        .isTrue();
    long after = node.datapath().counters().getOrDefault(13, new long[2])[0];
    assertThat(after - before).as("packets forwarded as related").isPositive();
  }

  @Test
  void anL7RuleFailsClosedWithoutAProxy() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-http, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts:
                - ports: [{port: "80", protocol: TCP}]
                  rules: {http: [{method: GET, path: "/"}]}
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
        """);
    Flow l7 = Flow.tcp(FRONTEND, BACKEND, 80);
    Flow plain = Flow.tcp(FRONTEND, BACKEND, 8080);
    assertThat(node.expected(l7)).isEqualTo(Outcome.REDIRECTED);
    assertThat(node.expected(plain)).isEqualTo(Outcome.ALLOWED);
    long before =
        node.datapath()
            .counters()
            .getOrDefault(Reason.DROP_PROXY_UNAVAILABLE.slot(), new long[2])[0];
    List<FlowEvent> events = new CopyOnWriteArrayList<>();
    try (FlowLog log = new FlowLog(node.datapath().eventsFd(), events::add)) {
      while (log.poll(0) > 0) {
        // drain what earlier tests left
      }
      events.clear();
      assertThat(node.reachable(l7)).as("a connection to the L7 port, with no proxy").isFalse();
      assertThat(node.reachable(plain)).as("a connection to the plain-allowed port").isTrue();
      assertThat(node.reachable(l7)).as("the L7 port again: no entry was left to ride").isFalse();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline
          && events.stream().noneMatch(e -> e.reason().equals("proxy_unavailable"))) {
        log.poll(100);
      }
    }
    long after =
        node.datapath()
            .counters()
            .getOrDefault(Reason.DROP_PROXY_UNAVAILABLE.slot(), new long[2])[0];
    assertThat(after - before).as("packets dropped as proxy-unavailable").isPositive();
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.source()).isEqualTo(node.address(FRONTEND));
              assertThat(e.destination()).isEqualTo(node.address(BACKEND));
              assertThat(e.destinationPort()).isEqualTo(80);
              assertThat(e.verdict()).isEqualTo("dropped");
              assertThat(e.reason()).isEqualTo("proxy_unavailable");
              assertThat(e.toJson()).contains("\"reason\":\"proxy_unavailable\"");
            });
    assertThat(
            node.datapath()
                .verdictCounters()
                .getOrDefault(
                    Layouts.DIR_INGRESS * Layouts.COUNTER_SLOTS
                        + Reason.DROP_PROXY_UNAVAILABLE.slot(),
                    new long[2])[0])
        .as("counted in the backend's ingress direction")
        .isPositive();
    assertMatchesEngine(List.of(l7, plain, Flow.tcp(DB, BACKEND, 80)));
  }
}
