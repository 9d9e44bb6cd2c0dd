package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.FileModePipeline;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Topology;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import io.palisade.node.observe.ObserveServer;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Cilium's Star Wars demo, L7 part, on real packets through the node daemon's own proxy: the sample
 * cluster's pods wired in test namespaces, the sample L7 policy through the pipeline into a {@link
 * DatapathApplier} with the embedded proxy. The tiefighter's {@code POST /v1/request-landing} is
 * served by the deathstar; its {@code PUT /v1/exhaust-port} is refused by the proxy with 403 {@code
 * Access denied} and never reaches the deathstar; the xwing cannot connect at all.
 */
class StarWarsL7IT {

  static final Path SAMPLES = Path.of("..", "config", "samples");
  static final String DEATHSTAR = "10.42.0.10";
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  @Test
  void theDeathstarLandsShipsAndRefusesTheExhaustPort() throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    try (BpfFsGuard bpfFs = new BpfFsGuard();
        Topology t =
            Topology.create(
                run,
                List.of(
                    new PodSpec(
                        "default",
                        "deathstar",
                        Map.of("org", "empire", "class", "deathstar"),
                        DEATHSTAR),
                    new PodSpec(
                        "default",
                        "tiefighter",
                        Map.of("org", "empire", "class", "tiefighter"),
                        "10.42.0.11"),
                    new PodSpec(
                        "default",
                        "xwing",
                        Map.of("org", "alliance", "class", "xwing"),
                        "10.42.0.12")),
                List.of())) {
      HttpServer deathstar = t.pod("default/deathstar").netns().call(() -> deathstar());
      try (Datapath dp = t.node().call(() -> Datapath.open(pins));
          NodeProxy proxy =
              t.node()
                  .call(
                      () -> {
                        dp.enableProxyRedirect();
                        return EmbeddedNodeProxy.start();
                      })) {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> demo(t, dp, proxy));
      } finally {
        deathstar.stop(0);
        t.node().call(() -> ProxyRouting.uninstall(false));
        Datapath.unpinAll(pins);
      }
    }
  }

  private void demo(Topology t, Datapath dp, NodeProxy proxy) throws IOException {
    DatapathApplier applier = new DatapathApplier(dp, "local", t.finder()).withProxy(proxy);
    LocalPipeline pipeline =
        FileModePipeline.of(
            applier,
            "samples",
            new PolicyLoader().load(List.of(SAMPLES.resolve("l7/deathstar-l7.yaml"))),
            Files.readString(SAMPLES.resolve("cluster.yaml")));
    t.node().call(pipeline::run);
    assertThat(applier.pending()).isEmpty();
    assertThat(dp.readyProxyPorts()).contains(15080);

    NetNs tiefighter = t.pod("default/tiefighter").netns();
    NetNs xwing = t.pod("default/xwing").netns();
    long proxied = count(dp, Reason.FWD_PROXY);

    String landing = request(tiefighter, "POST", "/v1/request-landing");
    assertThat(landing).startsWith("HTTP/1.1 200").endsWith("Ship landed\n");

    String exhaust = request(tiefighter, "PUT", "/v1/exhaust-port");
    assertThat(exhaust).startsWith("HTTP/1.1 403").contains("Access denied");

    assertThat(count(dp, Reason.FWD_PROXY)).isGreaterThan(proxied);
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    ((EmbeddedNodeProxy) proxy).bindMeters(registry);
    assertThat(registry.scrape())
        .contains("palisade_l7_requests_total{direction=\"ingress\",verdict=\"l7-allowed\"} 1.0")
        .contains("palisade_l7_requests_total{direction=\"ingress\",verdict=\"l7-denied\"} 1.0")
        .contains("palisade_l7_requests_total{direction=\"egress\",verdict=\"l7-denied\"} 0.0");
    assertThat(request(xwing, "POST", "/v1/request-landing")).isEqualTo("no connection");
  }

  /** The demo's deathstar: it answers both calls, so a refusal can only be the proxy's. */
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
        ch.socket().connect(new InetSocketAddress(DEATHSTAR, 80), (int) TIMEOUT.toMillis());
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

  private static long count(Datapath dp, Reason reason) {
    long[] c =
        dp.verdictCounters().get(Layouts.DIR_INGRESS * Layouts.COUNTER_SLOTS + reason.slot());
    return c == null ? 0 : c[0];
  }
}
