package io.palisade.node.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.http.SlowClients;
import io.palisade.node.DaemonOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code palisade-node --metrics-port}: where it listens, and that no client holds it up. */
class ObserveServerTest {

  private static final PrometheusMeterRegistry REGISTRY = ObserveServer.newRegistry();

  static {
    REGISTRY.counter("palisade.forwarded.packets", "direction", "egress").increment(3);
  }

  private static ObserveServer start(InetSocketAddress address) throws java.io.IOException {
    return ObserveServer.start(address, REGISTRY, () -> Readiness.ready("ready"));
  }

  @Test
  void listensOnLoopbackUnlessToldOtherwise() throws Exception {
    InetSocketAddress configured =
        DaemonOptions.parse("--policies", "p", "--cluster", "c.yaml", "--metrics-port", "9963")
            .metrics()
            .orElseThrow();
    assertThat(configured.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    try (ObserveServer server = start(new InetSocketAddress(configured.getAddress(), 0))) {
      assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.address().getPort());
    }
  }

  @Test
  void slowClientsDoNotKeepMetricsFromPrometheus() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (ObserveServer server = start(new InetSocketAddress("127.0.0.1", 0))) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
              .timeout(Duration.ofSeconds(5))
              .build();
      // Once before, so that the second measures waiting, not loading classes on a busy machine.
      http.send(request, HttpResponse.BodyHandlers.ofString());
      try (SlowClients slow = SlowClients.open(server.address(), "/metrics", 8)) {
        long t0 = System.nanoTime();
        HttpResponse<String> scrape = http.send(request, HttpResponse.BodyHandlers.ofString());
        // Blocked, it would wait for the slow clients' 10 s idle timeout.
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        assertThat(scrape.body())
            .contains("palisade_forwarded_packets_total{direction=\"egress\"} 3.0");
        assertThat(slow.stillOpen()).isEqualTo(8);
      }
    }
  }
}
