package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.cli.standalone.StatusServer;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.flows.PolicyDecision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code palisade observe} against standalone's real HTTP server: the filters go to {@code
 * /api/flows} and come back applied, {@code -o json} is the endpoint's shape line by line, a bad
 * filter is refused naming it, and {@code --follow} prints a flow that happens after it started.
 */
class ObserveCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PolicyDecision INGRESS =
      new PolicyDecision(
          "CiliumNetworkPolicy", "app", "backend-ingress", "spec.ingress[0]", "kubectl");
  private static final PolicyDecision DEFAULT_DENY =
      new PolicyDecision(
          "CiliumNetworkPolicy",
          "app",
          "backend-ingress",
          "spec",
          "PolicySource palisade-system/policies main@sha1:3f2a9c1d");

  private final FlowRing ring = new FlowRing(100);
  private StatusServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        new StatusServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            List::of,
            () -> new StatusServer.Readiness(true, true, "ready", "", ""),
            () -> "",
            Optional.empty(),
            () -> {},
            Optional.empty(),
            Optional.of(ring));
    ring.accept(flow(Instant.parse("2026-01-01T00:00:00Z"), "frontend", 80, "allowed", INGRESS));
    ring.accept(flow(Instant.now(), "db", 80, "dropped", null));
    ring.accept(flow(Instant.now(), "frontend", 8080, "dropped", null));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Flow flow(Instant t, String from, int port, String verdict, PolicyDecision by) {
    boolean drop = by == null;
    return new Flow(
        t,
        verdict,
        drop ? "policy_denied" : "policy_allow",
        "ingress",
        "TCP",
        new Flow.Endpoint(
            Optional.of(from),
            Optional.of(from.equals("db") ? "data" : "app"),
            from.equals("db") ? "10.200.0.13" : "10.200.0.11",
            from.equals("db") ? 47565 : 30001,
            40000),
        new Flow.Endpoint(Optional.of("backend"), Optional.of("app"), "10.200.0.12", 29228, port),
        Optional.ofNullable(drop ? DEFAULT_DENY : by),
        drop ? List.of(DEFAULT_DENY) : List.of(),
        List.of(),
        3);
  }

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    return run(new StringWriter(), args);
  }

  private Run run(Writer out, String... args) {
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 3];
    all[0] = "observe";
    all[1] = "--server";
    all[2] = server.url();
    System.arraycopy(args, 0, all, 3, args.length);
    int code = Palisade.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run runAt(String url) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Palisade.run(
            new PrintWriter(out, true), new PrintWriter(err, true), "observe", "--server", url);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void filtersAreAppliedByTheServer() {
    Run drops = run("--verdict", "dropped", "--namespace", "data");
    assertThat(drops.code()).as(drops.err()).isZero();
    assertThat(drops.out().lines().toList())
        .singleElement()
        .asString()
        .contains("data/db:40000 -> app/backend:80 TCP ingress DROPPED (policy_denied)")
        .contains(
            "default deny of: CiliumNetworkPolicy app/backend-ingress spec from PolicySource"
                + " palisade-system/policies main@sha1:3f2a9c1d");
    Run allowed = run("--policy", "app/backend-ingress", "--port", "80", "--pod", "app/frontend");
    assertThat(allowed.out().lines().toList())
        .singleElement()
        .asString()
        .contains(
            "ALLOWED (policy_allow) by CiliumNetworkPolicy app/backend-ingress spec.ingress[0]");
    assertThat(run("--since", "1h").out().lines()).hasSize(2);
    assertThat(run("--identity", "47565").out().lines()).hasSize(1);
    assertThat(run("--port", "9999").out()).isEmpty();
  }

  @Test
  void jsonIsTheEndpointsShapeOneFlowPerLine() throws Exception {
    Run r = run("-o", "json", "--port", "80");
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode allowed = JSON.readTree(lines.get(0));
    assertThat(allowed.at("/source/pod").asText()).isEqualTo("frontend");
    assertThat(allowed.at("/source/namespace").asText()).isEqualTo("app");
    assertThat(allowed.at("/destination/port").asInt()).isEqualTo(80);
    assertThat(allowed.at("/policy/rule").asText()).isEqualTo("spec.ingress[0]");
    assertThat(allowed.at("/policy/source").asText()).isEqualTo("kubectl");
    assertThat(Flow.fromJson(allowed))
        .isEqualTo(ring.recent(io.palisade.pipeline.flows.FlowFilter.ALL).get(0));
  }

  @Test
  void aBadFilterIsRefusedNamingIt() {
    Run r = run("--port", "http", "--verdict", "maybe");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("port: \"http\" is not a port number")
        .contains("verdict: \"maybe\" is not one of");
    Run unreachable = runAt("http://127.0.0.1:1");
    assertThat(unreachable.code()).isEqualTo(1);
    assertThat(unreachable.err()).contains("cannot reach http://127.0.0.1:1");
  }

  @Test
  void followPrintsFlowsAsTheyHappen() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          StringWriter out = new StringWriter();
          CompletableFuture<Run> follower =
              CompletableFuture.supplyAsync(() -> run(out, "--follow", "--pod", "data/db"));
          Flow later = flow(Instant.now(), "db", 5432, "dropped", null);
          while (!out.toString().contains(":5432")) {
            ring.accept(later); // until the follower is registered and has printed it
            Thread.sleep(200);
          }
          assertThat(out.toString().lines())
              .allMatch(l -> l.contains("data/db:40000 -> app/backend:5432"));
          server.close(); // ends the stream: observe says so and exits 1
          assertThat(follower.get().code()).isEqualTo(1);
        });
  }
}
