package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DaemonProcess;
import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.observe.FlowEvent;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.Metrics;
import io.palisade.policy.flow.Outcome;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real packets through the datapath, judged against the policy engine's own verdicts. One node with
 * four IPv4 pods in three namespaces, two IPv6 pods, and an outside host with two addresses for
 * CIDR rules; each test applies a policy set and probes TCP, UDP and ICMP.
 */
class DatapathIT {

  static final String FRONTEND = "app/frontend";
  static final String BACKEND = "app/backend";
  static final String DB = "data/db";
  static final String STRANGER = "other/stranger";
  static final String WEB6 = "app/web6";
  static final String CLIENT6 = "app/client6";
  static final String OUT_ALLOWED = "203.0.113.10";
  static final String OUT_EXCEPTED = "203.0.113.20";

  static DatapathFixture node;

  @BeforeAll
  static void build() {
    Privileges.requireRoot();
    node =
        new DatapathFixture(
            List.of(
                new PodSpec("app", "frontend", Map.of("app", "frontend"), "10.200.0.11"),
                new PodSpec("app", "backend", Map.of("app", "backend"), "10.200.0.12"),
                new PodSpec("data", "db", Map.of("app", "db"), "10.200.0.13"),
                new PodSpec("other", "stranger", Map.of("app", "frontend"), "10.200.0.14"),
                new PodSpec("app", "web6", Map.of("app", "web6"), "fd00:200::15"),
                new PodSpec("app", "client6", Map.of("app", "frontend"), "fd00:200::16")),
            List.of(OUT_ALLOWED, OUT_EXCEPTED));
  }

  @AfterAll
  static void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  private static void assertMatchesEngine(List<Flow> flows) {
    Map<Flow, String> mismatches = node.check(flows);
    assertThat(mismatches).as("flows where packets disagree with the engine").isEmpty();
  }

  private static List<Flow> withOutside(List<Flow> flows) {
    List<Flow> out = new ArrayList<>(flows);
    for (String from : List.of(FRONTEND, BACKEND)) {
      out.add(Flow.tcp(from, OUT_ALLOWED, 80));
      out.add(Flow.tcp(from, OUT_EXCEPTED, 80));
      out.add(Flow.icmp(from, OUT_ALLOWED));
    }
    return out;
  }

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
  void daemonClosedAndReopenedWhileProbesRunKeepsEnforcing() throws Exception {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-ingress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    List<Flow> flows =
        List.of(
            Flow.tcp(FRONTEND, BACKEND, 80),
            Flow.tcp(DB, BACKEND, 80),
            Flow.udp(FRONTEND, BACKEND, 53),
            Flow.icmp(DB, BACKEND),
            Flow.tcp(BACKEND, DB, 80));
    ProbeLoop loop = ProbeLoop.start(node, flows);
    try {
      loop.awaitRounds(1);
      node.killDaemon();
      int before = loop.rounds();
      loop.awaitRounds(before + 2); // enforcement with no daemon at all
      node.startDaemon();
      ApplyResult again = node.apply(node.desired());
      assertThat(again.totalWrites()).as("a restarted daemon finds its state pinned").isZero();
      loop.awaitRounds(loop.rounds() + 1);
    } finally {
      loop.stop();
    }
    assertThat(loop.mismatches()).as("probes that disagreed with the engine at any time").isEmpty();
  }

  @Test
  void flowLogAndMetricsRecordVerdicts() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-ingress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    List<FlowEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (FlowLog log = new FlowLog(node.datapath().eventsFd(), events::add)) {
      while (log.poll(0) > 0) {
        // drain what earlier tests left
      }
      events.clear();
      assertThat(node.reachable(Flow.tcp(FRONTEND, BACKEND, 80))).isTrue();
      assertThat(node.reachable(Flow.tcp(DB, BACKEND, 80))).isFalse();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline && !hasBoth(events)) {
        log.poll(100);
      }
    }
    String backend = node.address(BACKEND);
    long backendId = node.policy().endpoint(BACKEND).orElseThrow().identity().id();
    long dbId = node.policy().endpoint(DB).orElseThrow().identity().id();
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.source()).isEqualTo(node.address(FRONTEND));
              assertThat(e.destination()).isEqualTo(backend);
              assertThat(e.destinationPort()).isEqualTo(80);
              assertThat(e.direction()).isEqualTo("ingress");
              assertThat(e.verdict()).isEqualTo("allowed");
              assertThat(e.reason()).isEqualTo("policy_allow");
              assertThat(e.destinationIdentity()).isEqualTo(backendId);
            });
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.source()).isEqualTo(node.address(DB));
              assertThat(e.sourceIdentity()).isEqualTo(dbId);
              assertThat(e.verdict()).isEqualTo("dropped");
              assertThat(e.reason()).isEqualTo("policy_denied");
              assertThat(e.toJson()).contains("\"protocol\":\"TCP\"", "\"destination_port\":80");
            });
    String metrics = Metrics.render(node.datapath().counters(), node.datapath().fill());
    assertThat(metrics)
        .containsPattern("palisade_dropped_packets_total\\{reason=\"policy_denied\"} [1-9]")
        .containsPattern("palisade_forwarded_packets_total\\{reason=\"ct_reply\"} [1-9]")
        .contains("palisade_map_entries{map=\"pal_endpoints\"} 6");
  }

  /** A plain HTTP/1.0 GET from inside {@code ns}, where the daemon's metrics server listens. */
  private static String httpGet(NetNs ns, int port, String path) throws Exception {
    try (SocketChannel ch = ns.call(SocketChannel::open)) {
      ch.socket().connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
      ch.socket().setSoTimeout(5000);
      ch.socket()
          .getOutputStream()
          .write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(ch.socket().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static boolean hasBoth(List<FlowEvent> events) {
    return events.stream()
            .anyMatch(e -> e.verdict().equals("allowed") && e.direction().equals("ingress"))
        && events.stream().anyMatch(FlowEvent::isDrop);
  }

  @Test
  void daemonProcessKilledAndRestartedWhileProbesRun() throws Exception {
    node.enforce(""); // the maps start from no policy at all
    node.prepare(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-ingress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
          egress:
            - toEndpoints: [{matchLabels: {app: db}}]
        """);
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--policies", node.policyDir().resolve("policy.yaml").toString()));
    args.addAll(List.of("--cluster", node.policyDir().resolve("cluster.yaml.txt").toString()));
    args.addAll(List.of("--pin-root", node.pinRoot().toString()));
    // Half the pods by name of veth, half found by the daemon from their host routes.
    int[] i = {0};
    node.topology()
        .veths()
        .forEach(
            (pod, veth) ->
                args.addAll(
                    i[0]++ % 2 == 0 ? List.of("--veth", pod + "=" + veth) : List.of("--pod", pod)));
    List<Flow> flows =
        List.of(
            Flow.tcp(FRONTEND, BACKEND, 80),
            Flow.tcp(DB, BACKEND, 80),
            Flow.udp(FRONTEND, BACKEND, 53),
            Flow.tcp(BACKEND, DB, 80),
            Flow.tcp(BACKEND, FRONTEND, 80),
            Flow.icmp(STRANGER, BACKEND));
    ProbeLoop loop = null;
    try {
      String first;
      try (DaemonProcess daemon = DaemonProcess.start(node.topology().node(), args)) {
        first = daemon.await("palisade-node: applied");
        loop = ProbeLoop.start(node, flows);
        loop.awaitRounds(2);
        daemon.kill();
      }
      int down = loop.rounds();
      loop.awaitRounds(down + 2); // no daemon at all: the kernel keeps enforcing
      String second;
      Path flowLog = node.policyDir().resolve("flows.jsonl");
      List<String> observed = new ArrayList<>(args);
      observed.addAll(List.of("--flow-log", flowLog.toString(), "--metrics-port", "19963"));
      String metrics;
      try (DaemonProcess daemon = DaemonProcess.start(node.topology().node(), observed)) {
        second = daemon.await("palisade-node: applied");
        loop.awaitRounds(loop.rounds() + 2);
        metrics = httpGet(node.topology().node(), 19963, "/metrics");
      }
      assertThat(metrics)
          .containsPattern("palisade_dropped_packets_total\\{reason=\"policy_denied\"} [1-9]")
          .contains("palisade_map_entries{map=\"pal_endpoints\"} 6");
      assertThat(Files.readAllLines(flowLog))
          .as("the daemon's flow log")
          .anyMatch(
              l ->
                  l.contains("\"verdict\":\"dropped\"") && l.contains("\"source\":\"10.200.0.13\""))
          .anyMatch(l -> l.contains("\"verdict\":\"allowed\""));
      System.out.println("daemon restart: first start: " + first);
      System.out.println("daemon restart: after kill -9: " + second);
      System.out.println("daemon restart: probe rounds " + loop.rounds() + ", down from " + down);
      assertThat(first).doesNotContain("writes=0 ");
      assertThat(second).as("the restarted daemon converged by difference").contains("writes=0 ");
    } finally {
      if (loop != null) {
        loop.stop();
      }
      node.restartDaemon(); // the in-test datapath re-reads what the daemon wrote
    }
    assertThat(loop.mismatches()).as("probes that disagreed with the engine at any time").isEmpty();
  }

  @Test
  void reapplyingWritesOnlyTheDifference() {
    String yaml =
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
    node.enforce(yaml);
    ApplyResult same = node.enforce(yaml);
    assertThat(same.totalWrites()).as("the same state again").isZero();
    ApplyResult onePort = node.enforce(yaml.replace("port: \"80\"", "port: \"8080\""));
    assertThat(onePort.policyWrites()).as("one key replaced by another").isEqualTo(2);
    assertThat(onePort.endpointWrites() + onePort.ipcacheWrites() + onePort.cidrWrites()).isZero();
    assertMatchesEngine(
        List.of(Flow.tcp(FRONTEND, BACKEND, 80), Flow.tcp(FRONTEND, BACKEND, 8080)));
  }

  @Test
  void detachingAVethRemovesEnforcementThereOnly() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: stranger-closed, namespace: other}
        spec:
          endpointSelector: {}
          ingress: [{}]
        """);
    Flow toStranger = Flow.tcp(DB, STRANGER, 80);
    assertThat(node.expected(toStranger)).isEqualTo(Outcome.DENIED);
    assertThat(node.reachable(toStranger)).isFalse();
    String veth = node.topology().pod(STRANGER).hostVeth();
    var nodeNs = node.topology().node();
    try {
      nodeNs.call(
          () -> {
            node.datapath().detach(veth);
            return null;
          });
      int ifindex = nodeNs.call(() -> io.palisade.node.bpf.Libc.ifNameToIndex(veth));
      assertThat(
              nodeNs.call(
                  () ->
                      io.palisade.node.bpf.TcAttachment.query(
                          ifindex, io.palisade.node.bpf.TcAttachment.Hook.EGRESS)))
          .isZero();
      assertThat(node.reachable(toStranger)).as("no program on the veth any more").isTrue();
    } finally {
      nodeNs.call(
          () -> {
            node.datapath().attach(veth);
            return null;
          });
    }
    assertThat(node.reachable(toStranger)).isFalse();
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
}
