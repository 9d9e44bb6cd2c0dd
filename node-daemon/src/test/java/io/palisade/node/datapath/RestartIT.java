package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DaemonProcess;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PrometheusText;
import io.palisade.policy.flow.Outcome;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Enforcement across daemon restarts and state changes: handles closed and reopened, the daemon
 * process killed with SIGKILL, re-applying by difference, detaching a veth.
 */
class RestartIT extends NodeScenarios {

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
    node.killDaemon(); // one writer per datapath: the daemon process is it from here
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
      String healthz;
      String readyz;
      try (DaemonProcess daemon = DaemonProcess.start(node.topology().node(), observed)) {
        second = daemon.await("palisade-node: applied");
        loop.awaitRounds(loop.rounds() + 2);
        metrics = httpGet(node.topology().node(), 19963, "/metrics");
        healthz = httpGet(node.topology().node(), 19963, "/healthz");
        readyz = httpGet(node.topology().node(), 19963, "/readyz");
      }
      assertThat(healthz).matches("(?s)HTTP/1\\.[01] 200 .*");
      assertThat(readyz).matches("(?s)HTTP/1\\.[01] 200 .*").contains("ready: revision ");
      PrometheusText scraped =
          PrometheusText.parse(metrics.substring(metrics.indexOf("\r\n\r\n") + 4));
      assertThat(
              scraped.sum(
                  "palisade_dropped_packets_total",
                  Map.of("direction", "ingress", "reason", "policy_denied")))
          .isPositive();
      assertThat(scraped.sum("palisade_map_entries", Map.of("map", "pal_endpoints"))).isEqualTo(6);
      assertThat(Files.readAllLines(flowLog))
          .as("the daemon's flow log")
          .anyMatch(
              l ->
                  l.contains("\"verdict\":\"dropped\"")
                      && l.contains("\"address\":\"10.200.0.13\""))
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
      node.startDaemon(); // the in-test datapath re-reads what the daemon wrote
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
}
