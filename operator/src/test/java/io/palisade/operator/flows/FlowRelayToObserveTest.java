package io.palisade.operator.flows;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.palisade.cli.Palisade;
import io.palisade.node.stream.ClientTls;
import io.palisade.node.stream.FlowRelay;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.node.stream.TestCertificates;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.pipeline.flows.FlowFilter;
import io.palisade.pipeline.flows.FlowRing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole relay on loopback with real gRPC and mutual TLS: a daemon's {@link FlowRelay} pushes an
 * addresses-only flow as node-a, the operator's {@link FlowsService} names it from its pipeline
 * (the policy and the PolicySource's Git revision), and {@code palisade observe --operator} with an
 * observer's certificate prints it; the CLI refuses unusable TLS files naming the flag.
 */
class FlowRelayToObserveTest {

  @TempDir static Path dir;
  static TestCertificates certs;

  @TempDir Path policies;

  private final FlowRing ring = new FlowRing(100);
  private final List<AutoCloseable> open = new ArrayList<>();
  private NodeStateServer server;
  private RelayedFlows flows;

  @BeforeAll
  static void certificates() throws Exception {
    certs =
        new TestCertificates(dir)
            .issue("operator")
            .issue("node-a")
            .issue("observer", "CN=observer:alice");
  }

  @BeforeEach
  void start() throws Exception {
    flows = new RelayedFlows(policies);
    server = flows.serve(certs, ring);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    server.close();
  }

  /** {@code palisade ARGS}: its exit code, then what it wrote to stdout and stderr. */
  private static List<String> palisade(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Palisade.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return List.of(Integer.toString(code), out.toString(), err.toString());
  }

  private String[] observe(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "observe",
                "--operator",
                "127.0.0.1:" + server.port(),
                "--tls-cert",
                certs.certificate("observer").toString(),
                "--tls-key",
                certs.key("observer").toString(),
                "--tls-ca",
                certs.certificate("ca").toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void aDropRelayedByANodeIsPrintedByObserveWithThePolicyAndItsCommit() throws Exception {
    ManagedChannel channel =
        NodeStateClient.channel(
            "127.0.0.1:" + server.port(),
            new ClientTls(
                certs.certificate("node-a"), certs.key("node-a"), certs.certificate("ca")));
    open.add(channel::shutdownNow);
    FlowRelay relay =
        new FlowRelay(
                "node-a",
                channel,
                Duration.ofMillis(50),
                Duration.ofSeconds(1),
                new PrintStream(new ByteArrayOutputStream()))
            .start();
    open.add(relay);

    relay.accept(flows.deniedXwing());
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (ring.recent(FlowFilter.ALL).isEmpty()) {
      assertThat(System.nanoTime()).as("the flow reached the operator").isLessThan(deadline);
      Thread.sleep(20);
    }

    List<String> table = palisade(observe("--node", "node-a", "--verdict", "denied"));
    assertThat(table.get(0)).as(table.get(2)).isEqualTo("0");
    assertThat(table.get(1))
        .contains("node-a: default/xwing:40312 -> default/deathstar:80 TCP ingress DENIED")
        .contains("by CiliumNetworkPolicy default/no-rebels spec.ingressDeny[0]")
        .contains("from " + RelayedFlows.SOURCE);
    System.out.println("observe --operator (table):\n" + table.get(1));

    List<String> json = palisade(observe("-o", "json"));
    assertThat(json.get(1))
        .contains("\"node\":\"node-a\"")
        .contains("\"source\":\"" + RelayedFlows.SOURCE + "\"");
    System.out.println("observe --operator -o json:\n" + json.get(1));

    assertThat(palisade(observe("--node", "node-b")).get(1)).isEmpty();
  }

  @Test
  void aRefusedFilterExitsTwoWithTheOperatorsMessage() {
    List<String> run = palisade(observe("--port", "http"));
    assertThat(run.get(0)).isEqualTo("2");
    assertThat(run.get(2)).contains("port: \"http\" is not a port number");
  }

  @Test
  void aNodesCertificateIsRefusedForObserving() {
    List<String> run =
        palisade(
            "observe",
            "--operator",
            "127.0.0.1:" + server.port(),
            "--tls-cert",
            certs.certificate("node-a").toString(),
            "--tls-key",
            certs.key("node-a").toString(),
            "--tls-ca",
            certs.certificate("ca").toString());
    assertThat(run.get(0)).isEqualTo("1");
    assertThat(run.get(2)).contains("the operator refused").contains("observer:NAME");
  }
}
