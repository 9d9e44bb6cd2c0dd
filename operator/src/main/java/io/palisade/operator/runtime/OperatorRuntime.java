package io.palisade.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.identity.IdentityGarbageCollector;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateMeters;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.NodeTls;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts what runs beside the reconcilers: the watches, the pipeline loop and the node-state
 * server, with their meters; and stops them.
 */
@ApplicationScoped
public class OperatorRuntime {

  private static final Logger LOG = Logger.getLogger(OperatorRuntime.class);

  @Inject KubernetesClient client;
  @Inject ClusterInventory inventory;
  @Inject PolicyValidation validation;
  @Inject Pipeline pipeline;
  @Inject NodeStateStore store;
  @Inject CiliumIdentityAllocator allocator;
  @Inject Leadership leadership;
  @Inject MeterRegistry registry;

  private static final Duration GC_PERIOD = Duration.ofSeconds(10);
  private static final Duration RETRY_DELAY = Duration.ofMillis(500);

  @ConfigProperty(name = "palisade.identity.gc-grace", defaultValue = "PT15M")
  Duration identityGrace;

  @ConfigProperty(name = "palisade.node-state.port", defaultValue = "9870")
  int port;

  /** PEM files of the node-state server's certificate and key; absent: plain text. */
  @ConfigProperty(name = "palisade.node-state.tls.cert")
  Optional<String> tlsCert;

  @ConfigProperty(name = "palisade.node-state.tls.key")
  Optional<String> tlsKey;

  /** PEM file of the CA that signs the daemons' certificates; set: mutual TLS. */
  @ConfigProperty(name = "palisade.node-state.tls.client-ca")
  Optional<String> tlsClientCa;

  @ConfigProperty(name = "palisade.runtime.enabled", defaultValue = "true")
  boolean enabled;

  private ClusterWatch watch;
  private NodeStateServer server;
  private Thread loop;
  private IdentityGarbageCollector identityGc;
  private Function<String, Timer> pipelineRuns;

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    try {
      server = NodeStateServer.start(new InetSocketAddress(port), store, tls());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve node state on port " + port, e);
    }
    bindMeters();
    identityGc = new IdentityGarbageCollector(identityGrace);
    watch = new ClusterWatch(client, inventory, validation).start();
    loop = Thread.ofPlatform().name("pipeline").daemon().start(this::pipelineLoop);
    LOG.infof(
        "node-state server on port %d (%s), epoch %s",
        server.port(),
        tlsClientCa.isPresent() ? "mutual TLS" : tlsCert.isPresent() ? "TLS" : "plain text",
        store.epoch());
  }

  /** The node-state server's port (a free one in tests). */
  public int nodeStatePort() {
    return server.port();
  }

  /** Streams, acks and nacks, identities, and the pipeline's runs (timed in its loop). */
  private void bindMeters() {
    NodeStateMeters.bind(registry, store, server.service());
    Gauge.builder("palisade.identities", allocator, a -> a.allocated().size())
        .description("CiliumIdentities allocated for the cluster's label sets.")
        .strongReference(true)
        .register(registry);
    pipelineRuns =
        outcome ->
            Timer.builder("palisade.pipeline.run")
                .description(
                    "One run of the pipeline: a change of the inventory to node state published.")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
  }

  private Optional<NodeTls> tls() {
    if (tlsCert.isEmpty() || tlsKey.isEmpty()) {
      if (tlsClientCa.isPresent()) {
        throw new IllegalStateException(
            "palisade.node-state.tls.client-ca needs tls.cert and tls.key as well");
      }
      return Optional.empty();
    }
    return Optional.of(
        new NodeTls(Path.of(tlsCert.get()), Path.of(tlsKey.get()), tlsClientCa.map(Path::of)));
  }

  /**
   * Runs the pipeline as soon as the inventory changes (a change waits for no timer: the time from
   * a policy change to the nodes is what users measure), and gives back identities long unused.
   */
  private void pipelineLoop() {
    long seen = -1;
    Instant nextGc = Instant.now();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        seen = inventory.awaitChange(seen, GC_PERIOD);
        Timer.Sample run = Timer.start(registry);
        try {
          pipeline.run();
          run.stop(pipelineRuns.apply("success"));
        } catch (RuntimeException e) {
          run.stop(pipelineRuns.apply("failure"));
          LOG.error("applying a change failed; it is retried, and what was published stays", e);
          Thread.sleep(RETRY_DELAY.toMillis());
        }
        if (!Instant.now().isBefore(nextGc)) {
          nextGc = Instant.now().plus(GC_PERIOD);
          collectIdentities();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("identity garbage collection failed; it is tried again later", e);
      }
    }
  }

  private void collectIdentities() {
    if (!leadership.leading()) {
      return;
    }
    Set<Long> inUse = pipeline.identitiesInUse();
    for (long id : identityGc.collect(allocator.allocated(), inUse, Instant.now())) {
      LOG.infof("identity %d unused for %s: deleting it", id, identityGrace);
      allocator.release(id);
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (loop != null) {
      loop.interrupt();
    }
    if (watch != null) {
      watch.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
