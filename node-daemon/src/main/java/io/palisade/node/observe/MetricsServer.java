package io.palisade.node.observe;

import io.palisade.http.EmbeddedHttpServer;
import io.palisade.http.HttpLimits;
import io.palisade.http.HttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} in Prometheus' text format, on the address the daemon was given (loopback
 * unless told otherwise: the counters tell who talks to whom). A request carries no body.
 */
public final class MetricsServer implements AutoCloseable {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final EmbeddedHttpServer server;

  private MetricsServer(EmbeddedHttpServer server) {
    this.server = server;
  }

  /** Serves what {@code render} gives at the time of each request. */
  public static MetricsServer start(InetSocketAddress address, Supplier<String> render)
      throws IOException {
    return new MetricsServer(
        EmbeddedHttpServer.on(address)
            .limits(HttpLimits.DEFAULT.withMaxBodyBytes(0))
            .get("/metrics", request -> HttpResponse.of(200, PROMETHEUS_TEXT, render.get()))
            .start());
  }

  /** {@code http://HOST:PORT/metrics}. */
  public String url() {
    return server.url() + "/metrics";
  }

  /** The address and port it listens on. */
  public InetSocketAddress address() {
    return server.address();
  }

  @Override
  public void close() {
    server.close();
  }
}
