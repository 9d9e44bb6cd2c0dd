package io.palisade.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.http.HttpLimits;
import io.palisade.http.SlowClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Standalone's status endpoint as a client meets it: on loopback, and never held by another. */
class StatusServerTest {

  private static final StatusServer.Readiness READY =
      new StatusServer.Readiness(true, true, "ready: generation 1 at r1", "Resolved", "resolved");

  @Test
  void slowClientsDoNotKeepReadyzFromOthers() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (StatusServer server = new StatusServer(0, List::of, () -> READY)) {
      HttpRequest readyz =
          HttpRequest.newBuilder(URI.create(server.url() + "/readyz"))
              .timeout(Duration.ofSeconds(5))
              .build();
      // Once before, so that the second measures waiting, not loading classes on a busy machine.
      http.send(readyz, HttpResponse.BodyHandlers.ofString());
      try (SlowClients slow =
          SlowClients.open(
              new java.net.InetSocketAddress("127.0.0.1", server.port()), "/readyz", 16)) {
        long t0 = System.nanoTime();
        HttpResponse<String> ready = http.send(readyz, HttpResponse.BodyHandlers.ofString());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready: generation 1 at r1\n");
        // Blocked, it would wait for the slow clients' 10 s idle timeout.
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(slow.stillOpen()).as("the slow ones wait for the timeout").isEqualTo(16);
      }
    }
  }

  @Test
  void listensOnLoopbackByDefault() throws Exception {
    try (StatusServer server = new StatusServer(0, List::of, () -> READY)) {
      assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port());
      assertThat(HttpLimits.DEFAULT.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
    }
  }
}
