package io.palisade.node.observe;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.http.EmbeddedHttpServer;
import io.palisade.http.HttpLimits;
import io.palisade.http.HttpResponse;
import io.palisade.pipeline.flows.FlowRing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The node daemon's HTTP face for Prometheus and the kubelet: {@code /metrics} (the registry's
 * meters in the Prometheus text format), {@code /healthz} (200 while the process serves) and {@code
 * /readyz} (200 once the daemon's state is in the maps, 503 before). On the address the daemon was
 * given (loopback unless told otherwise: the counters tell who talks to whom), with read timeouts
 * and connection limits, so a slow client holds up no one else. A request carries no body.
 */
public final class ObserveServer implements AutoCloseable {

  /** The text format Prometheus scrapes, version 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final EmbeddedHttpServer server;

  private ObserveServer(EmbeddedHttpServer server) {
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
    return start(address, registry, readiness, Optional.empty());
  }

  /** The same, and {@code /api/flows} of {@code flows} when given (see {@link FlowsEndpoint}). */
  public static ObserveServer start(
      InetSocketAddress address,
      PrometheusMeterRegistry registry,
      Supplier<Readiness> readiness,
      Optional<FlowRing> flows)
      throws IOException {
    EmbeddedHttpServer.Builder builder = EmbeddedHttpServer.on(address);
    flows.ifPresent(
        ring -> builder.events(FlowsEndpoint.PATH, new FlowsEndpoint(ring, Clock.systemUTC())));
    return new ObserveServer(
        builder
            .limits(HttpLimits.DEFAULT.withMaxBodyBytes(0))
            .get("/metrics", r -> HttpResponse.of(200, PROMETHEUS_TEXT, registry.scrape()))
            .get("/healthz", r -> HttpResponse.text(200, "ok\n"))
            .get(
                "/readyz",
                r -> {
                  Readiness now = readiness.get();
                  return HttpResponse.text(now.ready() ? 200 : 503, now.message() + "\n");
                })
            .start());
  }

  /** {@code http://HOST:PORT}. */
  public String url() {
    return server.url();
  }

  /** The address and port it listens on. */
  public InetSocketAddress address() {
    return server.address();
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }
}
