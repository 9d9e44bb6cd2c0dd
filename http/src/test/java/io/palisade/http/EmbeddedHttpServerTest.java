package io.palisade.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbeddedHttpServerTest {

  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private EmbeddedHttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private EmbeddedHttpServer start(HttpLimits limits) throws IOException {
    server =
        EmbeddedHttpServer.on(LOOPBACK)
            .limits(limits)
            .get("/readyz", r -> HttpResponse.text(200, "ready\n"))
            .prefix("/hook/", r -> HttpResponse.text(202, r.method() + " " + r.body().length))
            .get(
                "/boom",
                r -> {
                  throw new IllegalStateException("secret detail");
                })
            .onHandlerFailure((path, e) -> {})
            .start();
    return server;
  }

  private java.net.http.HttpResponse<String> get(String path, Duration timeout) throws Exception {
    return http.send(
        java.net.http.HttpRequest.newBuilder(url(path)).timeout(timeout).build(),
        BodyHandlers.ofString());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void slowClientsUpToTheLimitDoNotKeepOthersWaitingAndAreClosedAfterTheTimeout() throws Exception {
    start(HttpLimits.DEFAULT.withIdleTimeout(Duration.ofSeconds(3)).withMaxConnections(8));
    // Once before, so that the second measures waiting, not loading classes on a busy machine.
    get("/readyz", Duration.ofSeconds(5));
    try (SlowClients slow = SlowClients.open(server.address(), "/readyz", 7)) {
      long t0 = System.nanoTime();
      var answer = get("/readyz", Duration.ofSeconds(5));
      Duration took = Duration.ofNanos(System.nanoTime() - t0);

      assertThat(answer.statusCode()).isEqualTo(200);
      // Blocked, it would wait for the slow clients' 10 s idle timeout.
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      assertThat(slow.stillOpen()).isEqualTo(7);
      Duration closed = slow.awaitAllClosed(Duration.ofSeconds(8));
      assertThat(closed.plus(took)).isGreaterThan(Duration.ofMillis(2500));
    }
  }

  @Test
  void atTheConnectionLimitANewClientWaitsUntilASlowOneIsClosed() throws Exception {
    start(HttpLimits.DEFAULT.withIdleTimeout(Duration.ofSeconds(2)).withMaxConnections(4));
    try (SlowClients slow = SlowClients.open(server.address(), "/readyz", 4)) {
      Thread.sleep(200); // all four accepted
      CompletableFuture<java.net.http.HttpResponse<String>> waiting =
          http.sendAsync(
              java.net.http.HttpRequest.newBuilder(url("/readyz")).build(),
              BodyHandlers.ofString());
      assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS))
          .isInstanceOf(TimeoutException.class);
      assertThat(waiting.get(6, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(slow.stillOpen()).isZero();
    }
  }

  @Test
  void refusesOversizedHeadersAndBodies() throws Exception {
    start(HttpLimits.DEFAULT.withMaxBodyBytes(1024));
    var bigHeader =
        http.send(
            java.net.http.HttpRequest.newBuilder(url("/readyz"))
                .header("X-Big", "a".repeat(10_000))
                .build(),
            BodyHandlers.ofString());
    assertThat(bigHeader.statusCode()).isEqualTo(431);

    var bigBody =
        http.send(
            java.net.http.HttpRequest.newBuilder(url("/hook/x"))
                .POST(BodyPublishers.ofByteArray(new byte[4096]))
                .build(),
            BodyHandlers.ofString());
    assertThat(bigBody.statusCode()).isEqualTo(413);

    var fits =
        http.send(
            java.net.http.HttpRequest.newBuilder(url("/hook/x"))
                .POST(BodyPublishers.ofByteArray(new byte[1024]))
                .build(),
            BodyHandlers.ofString());
    assertThat(fits.statusCode()).isEqualTo(202);
    assertThat(fits.body()).isEqualTo("POST 1024");
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefusedToo() throws Exception {
    start(HttpLimits.DEFAULT.withMaxBodyBytes(1024));
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /hook/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "800\r\n"
                  + "a".repeat(0x800)
                  + "\r\n0\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = statusLine(s.getInputStream());
      assertThat(status).startsWith("HTTP/1.1 413");
    }
  }

  @Test
  void routesByExactPathThenPrefixAndAnswersOtherwiseWithoutDetail() throws Exception {
    AtomicReference<Exception> failure = new AtomicReference<>();
    server =
        EmbeddedHttpServer.on(LOOPBACK)
            .get("/readyz", r -> HttpResponse.text(200, "ready\n"))
            .get(
                "/boom",
                r -> {
                  throw new IllegalStateException("secret detail");
                })
            .onHandlerFailure((path, e) -> failure.set(e))
            .start();
    assertThat(get("/readyz", Duration.ofSeconds(2)).body()).isEqualTo("ready\n");
    assertThat(get("/nothing", Duration.ofSeconds(2)).statusCode()).isEqualTo(404);
    var post =
        http.send(
            java.net.http.HttpRequest.newBuilder(url("/readyz"))
                .POST(BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    var boom = get("/boom", Duration.ofSeconds(2));
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(boom.body()).doesNotContain("secret").doesNotContain("Exception");
    assertThat(failure.get()).hasMessage("secret detail");
  }

  @Test
  void listensOnlyOnTheAddressItWasGiven() throws Exception {
    start(HttpLimits.DEFAULT);
    assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThatThrownBy(
            () -> EmbeddedHttpServer.on(InetSocketAddress.createUnresolved("nowhere", 80)))
        .hasMessageContaining("unresolved nowhere");
  }

  @Test
  void aPortInUseIsOneLineNamingTheAddress() throws Exception {
    start(HttpLimits.DEFAULT);
    assertThatThrownBy(
            () -> EmbeddedHttpServer.on(new InetSocketAddress("127.0.0.1", server.port())).start())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot serve HTTP on 127.0.0.1:" + server.port() + ": ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private static String statusLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\r') {
      sb.append((char) c);
    }
    return sb.toString();
  }
}
