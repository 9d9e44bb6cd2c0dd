package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.node.harness.DaemonProcess;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.NetNs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Flows on real packets name the rule that decided them and the Git revision its policy came from:
 * a file-mode daemon process enforces a policy marked as a PolicySource applies it, probes are
 * allowed, denied by a deny rule and dropped by default deny, and the flow log and {@code
 * /api/flows} (filtered, and followed as server-sent events) say which rule and revision did it.
 */
class FlowProvenanceIT extends NodeScenarios {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REVISION = "main@sha1:3f2a9c1d0b8e7f6a5d4c3b2a19081726354a5b6c";
  private static final int PORT = 19964;

  private static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: backend-ingress
        namespace: app
        annotations:
          palisade.io/source: palisade-system/policies
          palisade.io/source-revision: %s
      spec:
        endpointSelector: {matchLabels: {app: backend}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: frontend}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        ingressDeny:
          - fromEndpoints: [{matchLabels: {app: frontend}}]
            toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
      """
          .formatted(REVISION);

  @Test
  void aDropNamesThePolicyRuleAndRevisionThatDecidedIt() throws Exception {
    node.enforce("");
    node.prepare(POLICY);
    Path flowLog = node.policyDir().resolve("flows.jsonl");
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--policies", node.policyDir().resolve("policy.yaml").toString()));
    args.addAll(List.of("--cluster", node.policyDir().resolve("cluster.yaml.txt").toString()));
    args.addAll(List.of("--pin-root", node.pinRoot().toString()));
    args.addAll(List.of("--flow-log", flowLog.toString(), "--metrics-port", "" + PORT));
    node.topology()
        .veths()
        .forEach((pod, veth) -> args.addAll(List.of("--veth", pod + "=" + veth)));
    node.killDaemon(); // one writer per datapath: the daemon process is it here
    try (DaemonProcess daemon = DaemonProcess.start(node.topology().node(), args)) {
      daemon.await("palisade-node: applied");
      assertMatchesEngine(
          List.of(
              Flow.tcp(FRONTEND, BACKEND, 80), // spec.ingress[0]
              Flow.tcp(FRONTEND, BACKEND, 8080), // spec.ingressDeny[0]
              Flow.tcp(DB, BACKEND, 80))); // default deny of backend-ingress
      JsonNode all = awaitFlows("/api/flows?pod=app/backend", 3);
      System.out.println("flows: " + all.toPrettyString());

      JsonNode allowed = only(all, "allowed", "app", "frontend", 80);
      assertThat(allowed.at("/reason").asText()).isEqualTo("policy_allow");
      assertThat(allowed.at("/destination/pod").asText()).isEqualTo("backend");
      assertThat(allowed.at("/destination/namespace").asText()).isEqualTo("app");
      assertPolicy(allowed.at("/policy"), "spec.ingress[0]");

      JsonNode denied = only(all, "denied", "app", "frontend", 8080);
      System.out.println("denied flow: " + denied);
      System.out.println("dropped flow: " + only(all, "dropped", "data", "db", 80));
      assertThat(denied.at("/reason").asText()).isEqualTo("policy_deny_rule");
      assertPolicy(denied.at("/policy"), "spec.ingressDeny[0]");

      JsonNode dropped = only(all, "dropped", "data", "db", 80);
      assertThat(dropped.at("/reason").asText()).isEqualTo("policy_denied");
      assertThat(dropped.at("/direction").asText()).isEqualTo("ingress");
      assertPolicy(dropped.at("/policy"), "spec");
      assertThat(dropped.at("/default_deny_of")).hasSize(1);

      // Filters: only the drops from data/db (a SYN and its retries), nothing for an unused port.
      JsonNode filtered =
          get("/api/flows?verdict=dropped&namespace=data&port=80&policy=app/backend-ingress");
      assertThat(filtered)
          .isNotEmpty()
          .allMatch(f -> f.at("/source/pod").asText().equals("db"))
          .allMatch(f -> f.at("/verdict").asText().equals("dropped"));
      assertThat(get("/api/flows?port=9999")).isEmpty();
      assertThat(get("/api/flows?identity=" + dropped.at("/source/identity").asLong()))
          .allMatch(
              f ->
                  f.at("/source/pod").asText().equals("db")
                      || f.at("/destination/pod").asText().equals("db"));
      String refused = raw("/api/flows?port=http&colour=red");
      assertThat(refused)
          .startsWith("HTTP/1.1 400")
          .contains("port: \"http\" is not a port number")
          .contains("colour: unknown filter");

      // Follow: a drop that happens after the stream opened arrives as an event.
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () -> {
            try (SocketChannel ch = node.topology().node().call(SocketChannel::open)) {
              Socket s = ch.socket(); // opened in the node's namespace, where the daemon listens
              s.connect(new InetSocketAddress("127.0.0.1", PORT), 5000);
              s.setSoTimeout(30_000);
              s.getOutputStream()
                  .write(
                      ("GET /api/flows?follow=true&verdict=dropped&pod=data/db HTTP/1.1\r\n"
                              + "Host: x\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
              BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
              String line;
              while ((line = in.readLine()) != null && !line.startsWith("event: ping")) {
                // headers, then the first ping: the follower is registered
              }
              node.reachable(Flow.tcp(DB, BACKEND, 80));
              while ((line = in.readLine()) != null && !line.startsWith("data: {\"time\"")) {
                // pings
              }
              assertThat(line).isNotNull();
              JsonNode followed = JSON.readTree(line.substring("data: ".length()));
              assertThat(followed.at("/source/pod").asText()).isEqualTo("db");
              assertPolicy(followed.at("/policy"), "spec");
            }
          });

      List<String> lines = Files.readAllLines(flowLog);
      assertThat(lines)
          .as("the flow log names the rule and the revision")
          .anyMatch(l -> l.contains("\"rule\":\"spec.ingressDeny[0]\"") && l.contains(REVISION));
    } finally {
      node.startDaemon();
    }
  }

  private static void assertPolicy(JsonNode policy, String rule) {
    assertThat(policy.isObject()).as("a policy decided: " + policy).isTrue();
    assertThat(policy.at("/kind").asText()).isEqualTo("CiliumNetworkPolicy");
    assertThat(policy.at("/namespace").asText()).isEqualTo("app");
    assertThat(policy.at("/name").asText()).isEqualTo("backend-ingress");
    assertThat(policy.at("/rule").asText()).isEqualTo(rule);
    assertThat(policy.at("/source").asText())
        .isEqualTo("PolicySource palisade-system/policies " + REVISION);
  }

  private static JsonNode only(JsonNode flows, String verdict, String ns, String pod, int port) {
    List<JsonNode> found =
        StreamSupport.stream(flows.spliterator(), false)
            .filter(f -> f.at("/verdict").asText().equals(verdict))
            .filter(f -> f.at("/source/namespace").asText().equals(ns))
            .filter(f -> f.at("/source/pod").asText().equals(pod))
            .filter(f -> f.at("/destination/port").asInt() == port)
            .filter(f -> f.at("/direction").asText().equals("ingress"))
            .toList();
    assertThat(found).as(verdict + " " + ns + "/" + pod + ":" + port + " in " + flows).isNotEmpty();
    return found.get(0);
  }

  /**
   * The flows of {@code path} once at least {@code n} are there (events arrive within a second).
   */
  private static JsonNode awaitFlows(String path, int n) throws Exception {
    JsonNode flows = get(path);
    for (int i = 0; i < 50 && flows.size() < n; i++) {
      Thread.sleep(200);
      flows = get(path);
    }
    return flows;
  }

  private static JsonNode get(String path) throws Exception {
    String response = raw(path);
    assertThat(response).as(path).startsWith("HTTP/1.1 200");
    return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  private static String raw(String path) throws Exception {
    NetNs ns = node.topology().node();
    try (SocketChannel ch = ns.call(SocketChannel::open)) {
      ch.socket().connect(new InetSocketAddress("127.0.0.1", PORT), 5000);
      ch.socket().setSoTimeout(5000);
      ch.socket()
          .getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(ch.socket().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
