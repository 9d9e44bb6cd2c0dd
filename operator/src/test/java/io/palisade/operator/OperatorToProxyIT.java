package io.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.ProxyRouting;
import io.palisade.node.discovery.Placement;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Topology;
import io.palisade.node.observe.L7FlowLine;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.node.stream.NodeStreamDaemon;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.pipeline.L7Proxy;
import io.palisade.policy.identity.CidrPrefix;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The Star Wars demo's L7 part fed by the operator: the sample L7 policy created through the (mock)
 * API server goes through the operator's reconciler, pipeline and node-state server to a
 * stream-mode daemon ({@link NodeStateClient} announcing its embedded proxy, applying through
 * {@link NodeStreamDaemon#applier}) on veths of test-made namespaces. The tiefighter's {@code POST
 * /v1/request-landing} is answered 200 by the deathstar, its {@code PUT /v1/exhaust-port} refused
 * 403 by the proxy, each request a flow log line naming the policy's rule; the policy's status says
 * L7 on 1/1 proxy. Needs root (skipped with a message otherwise).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorToProxyIT {

  private static final String NODE = "node-a";
  private static final Path L7_SAMPLE =
      Path.of("..", "config", "samples", "l7", "deathstar-l7.yaml");
  private static final String DEATHSTAR_IP = "10.42.0.10";
  private static final List<PodSpec> PODS =
      List.of(
          new PodSpec(
              "default", "deathstar", Map.of("org", "empire", "class", "deathstar"), DEATHSTAR_IP),
          new PodSpec(
              "default",
              "tiefighter",
              Map.of("org", "empire", "class", "tiefighter"),
              "10.42.0.11"),
          new PodSpec(
              "default", "xwing", Map.of("org", "alliance", "class", "xwing"), "10.42.0.12"));
  private static final Duration TIMEOUT = Duration.ofSeconds(3);

  KubernetesClient client;

  @Test
  void theOperatorsL7RuleIsEnforcedByTheStreamDaemonsEmbeddedProxyOnRealPackets() throws Exception {
    Privileges.requireRoot();
    assertTimeoutPreemptively(Duration.ofSeconds(180), this::demo);
  }

  private void demo() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pinRoot = Path.of("/sys/fs/bpf/palisade-l7e2e-" + run);
    List<AutoCloseable> cleanup = new ArrayList<>(); // closed in reverse
    BpfFsGuard bpfFs = new BpfFsGuard();
    Topology topology = null;
    try {
      // The node: the demo's pods in network namespaces, the deathstar answering both calls (so
      // a refusal can only be the proxy's), the datapath and the embedded proxy in the node's.
      topology = Topology.create(run, PODS, List.of());
      cleanup.add(topology);
      Topology t = topology;
      HttpServer deathstar = t.pod("default/deathstar").netns().call(OperatorToProxyIT::deathstar);
      cleanup.add(() -> deathstar.stop(0));
      Datapath datapath = t.node().call(() -> Datapath.open(pinRoot));
      cleanup.add(datapath::close);
      cleanup.add(() -> t.node().call(() -> ProxyRouting.uninstall(false)));
      List<String> flowLog = new CopyOnWriteArrayList<>();
      EmbeddedNodeProxy proxy =
          t.node()
              .call(
                  () -> {
                    datapath.enableProxyRedirect();
                    return EmbeddedNodeProxy.start(
                        e -> flowLog.add(L7FlowLine.toJson(e, Instant.now())));
                  });
      cleanup.add(proxy::close);

      // The operator as OperatorBeans wires it: the store behind the L7 applier (xDS beside it).
      MockApiOperator operator = MockApiOperator.withL7(client, cleanup);
      MockApiOperator.createPods(client, NODE, PODS);

      // The stream-mode daemon: the proxy's config and the maps written on the node's thread.
      Map<CidrPrefix, String> vethOf = new HashMap<>();
      for (Topology.PodNet p : t.pods()) {
        vethOf.put(CidrPrefix.parse(p.spec().ip()).orElseThrow(), p.hostVeth());
      }
      NodeStateClient.Applier real =
          NodeStreamDaemon.applier(datapath, Optional.of(proxy), new PrintStream(System.out, true));
      NodeStateClient daemon =
          new NodeStateClient(
                  NODE,
                  NodeStateClient.insecureChannel("127.0.0.1:" + operator.server().port()),
                  NodeNamespaceApplier.inNode(t.node(), real),
                  (endpoint, prefix) ->
                      vethOf.containsKey(prefix)
                          ? new Placement.Here(vethOf.get(prefix))
                          : new Placement.Pending("not a pod of this test"),
                  Optional.empty(),
                  new PrintStream(System.out, true),
                  Duration.ofMillis(50),
                  Duration.ofMillis(500))
              .announcing(L7Proxy.EMBEDDED);
      cleanup.add(daemon::close);
      daemon.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> operator.store().l7Proxy(NODE) == L7Proxy.EMBEDDED);

      client
          .resources(CiliumNetworkPolicy.class)
          .resource(
              client
                  .getKubernetesSerialization()
                  .unmarshal(Files.readString(L7_SAMPLE), CiliumNetworkPolicy.class))
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> "True".equals(CnpStatus.condition(CnpStatus.of(client, "rule1"), "Enforced")));
      PolicyStatus done = CnpStatus.of(client, "rule1");
      assertThat(PolicyConditions.condition(done, "Enforced").map(PolicyCondition::message))
          .contains(
              "L3/L4 enforced on 1/1 node, L7 on 1/1 proxy at revision " + done.enforcedRevision());
      assertThat(datapath.readyProxyPorts()).contains(15080);

      NetNs tiefighter = t.pod("default/tiefighter").netns();
      assertThat(request(tiefighter, "POST", "/v1/request-landing"))
          .startsWith("HTTP/1.1 200")
          .endsWith("Ship landed\n");
      assertThat(request(tiefighter, "PUT", "/v1/exhaust-port"))
          .startsWith("HTTP/1.1 403")
          .contains("Access denied");
      assertThat(request(t.pod("default/xwing").netns(), "POST", "/v1/request-landing"))
          .isEqualTo("no connection");

      await().atMost(Duration.ofSeconds(10)).until(() -> flowLog.size() >= 2);
      flowLog.forEach(line -> System.out.println("flow log: " + line));
      assertThat(flowLog.get(0))
          .contains("\"source\":\"10.42.0.11\"")
          .contains("\"destination\":\"" + DEATHSTAR_IP + "\"")
          .contains("\"destination_port\":80")
          .contains("\"direction\":\"ingress\"")
          .contains("\"verdict\":\"l7-allowed\"")
          .contains("\"http\":{\"method\":\"POST\",\"path\":\"/v1/request-landing\"}")
          .contains(
              "\"policies\":[{\"policy\":\"CiliumNetworkPolicy default/rule1\","
                  + "\"rule\":\"spec.ingress[0].toPorts[0].rules.http[0]\"}]");
      assertThat(flowLog.get(1))
          .contains("\"verdict\":\"l7-denied\"")
          .contains("\"http\":{\"method\":\"PUT\",\"path\":\"/v1/exhaust-port\"}")
          .contains("\"reason\":\"no policy matched\"");
    } finally {
      try {
        MockApiOperator.closeInReverse(cleanup);
      } finally {
        Datapath.unpinAll(pinRoot);
        bpfFs.close();
      }
    }
  }

  private static HttpServer deathstar() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(80), 16);
    s.createContext(
        "/v1/",
        ex -> {
          byte[] body =
              (ex.getRequestURI().getPath().equals("/v1/exhaust-port")
                      ? "Panic: deathstar exploded\n"
                      : "Ship landed\n")
                  .getBytes(StandardCharsets.US_ASCII);
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    s.start();
    return s;
  }

  /** One HTTP/1.1 request from {@code pod} to the deathstar; the whole response, or why none. */
  private static String request(NetNs pod, String method, String path) throws IOException {
    SocketChannel ch = pod.call(SocketChannel::open);
    try (ch) {
      try {
        ch.socket().connect(new InetSocketAddress(DEATHSTAR_IP, 80), (int) TIMEOUT.toMillis());
      } catch (SocketTimeoutException e) {
        return "no connection";
      }
      ch.socket().setSoTimeout((int) TIMEOUT.toMillis() * 2);
      String req =
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: deathstar.default.svc.cluster.local\r\n"
              + "Content-Length: 0\r\nConnection: close\r\n\r\n";
      ch.socket().getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      return new String(ch.socket().getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
