package io.palisade.node.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The node daemon's HTTP face for Prometheus and the kubelet: {@code /metrics} (the registry's
 * meters in the Prometheus text format), {@code /healthz} (200 while the process serves) and {@code
 * /readyz} (200 once the daemon's state is in the maps, 503 before).
 */
public final class ObserveServer implements AutoCloseable {

  /** The text format Prometheus scrapes, version 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private ObserveServer(HttpServer server) {
    this.server = server;
  }

  /** A registry with the JVM's and the process's meters, for the daemon's own to join. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** Serves {@code registry} and {@code readiness} on {@code address} (port 0: a free one). */
  public static ObserveServer start(
      InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<Readiness> readiness)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/metrics", ex -> send(ex, 200, PROMETHEUS_TEXT, registry.scrape()));
    server.createContext("/healthz", ex -> send(ex, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        ex -> {
          Readiness r = readiness.get();
          send(ex, r.ready() ? 200 : 503, "text/plain", r.message() + "\n");
        });
    server.start();
    return new ObserveServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
