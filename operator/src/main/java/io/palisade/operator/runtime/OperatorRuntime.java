package io.palisade.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.palisade.operator.certs.NodeStateIssuer;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.identity.IdentityGarbageCollector;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateMeters;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.ServerTls;
import io.palisade.operator.xds.XdsServer;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.xds.XdsPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts what runs beside the reconcilers: the watches, the pipeline loop and the node-state server
 * (with the daemons' flows beside it), with their meters; and stops them.
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
  @Inject NodeStateConfig nodeState;
  @Inject MeterRegistry registry;
  @Inject XdsPublisher xds;
  @Inject FlowRing flowRing;
  @Inject FlowNaming flowNaming;

  private static final Duration GC_PERIOD = Duration.ofSeconds(10);
  private static final Duration RETRY_DELAY = Duration.ofMillis(500);

  @ConfigProperty(name = "palisade.identity.gc-grace", defaultValue = "PT15M")
  Duration identityGrace;

  @ConfigProperty(
      name = "palisade.node-state.tls.node-service-account",
      defaultValue = "palisade-node")
  String nodeServiceAccount;

  /**
   * The node-state Service's DNS names; default palisade-node-state.NAMESPACE.svc(.cluster.local).
   */
  @ConfigProperty(name = "palisade.node-state.tls.dns-names")
  Optional<List<String>> dnsNames;

  @ConfigProperty(name = "palisade.node-state.tls.ca-validity", defaultValue = "P365D")
  Duration caValidity;

  @ConfigProperty(name = "palisade.node-state.tls.certificate-validity", defaultValue = "P7D")
  Duration certificateValidity;

  /** The ADS endpoint of the nodes' L7 proxies; it takes the node-state server's TLS. */
  @ConfigProperty(name = "palisade.xds.port", defaultValue = "9871")
  int xdsPort;

  @ConfigProperty(name = "palisade.runtime.enabled", defaultValue = "true")
  boolean enabled;

  private NodeStateIssuer.Running issuer;

  private ClusterWatch watch;
  private NodeStateServer server;
  private XdsServer xdsServer;
  private Thread loop;
  private IdentityGarbageCollector identityGc;
  private Function<String, Timer> pipelineRuns;

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    // One security for both servers: the proxies of a node show the same certificates as its
    // daemon, and are held to their node the same way.
    NodeStateSecurity security =
        nodeState.issues() ? NodeStateSecurity.mutualTls(issued()) : nodeState.security();
    try {
      server =
          NodeStateServer.start(
              new InetSocketAddress(nodeState.port()),
              store,
              security,
              List.of(FlowBeans.service(flowRing, flowNaming, security.pinsNodes(), registry)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve node state on port " + nodeState.port(), e);
    }
    bindMeters();
    try {
      xdsServer = XdsServer.start(new InetSocketAddress(xdsPort), xds, security);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve xDS on port " + xdsPort, e);
    }
    identityGc = new IdentityGarbageCollector(identityGrace);
    watch = new ClusterWatch(client, inventory, validation).start();
    loop = Thread.ofPlatform().name("pipeline").daemon().start(this::pipelineLoop);
    LOG.infof(
        "node-state server on port %d, xDS on port %d (%s), epoch %s",
        server.port(), xdsServer.port(), security.describe(), store.epoch());
  }

  /** The node-state server's port (a free one in tests). */
  public int nodeStatePort() {
    return server.port();
  }

  /** The xDS server's port (a free one in tests). */
  public int xdsPort() {
    return xdsServer.port();
  }

  /**
   * Ready to publish: the node-state server listens and every informer has listed the cluster once
   * (before that, a node would be sent a state built from part of the cluster). With the runtime
   * disabled there is nothing to wait for.
   */
  public Optional<String> notReady() {
    if (!enabled) {
      return Optional.empty();
    }
    if (server == null) {
      return Optional.of("the node-state server is not listening yet");
    }
    if (watch == null || !watch.synced()) {
      return Optional.of("the informers have not listed the cluster yet");
    }
    return watch.stopped();
  }

  /**
   * The pipeline loop runs and every watch follows the cluster: neither is restarted by anything
   * but a restart of the process, and a stopped watch would leave enforcement behind the cluster.
   */
  public boolean alive() {
    return !enabled
        || (loop != null && loop.isAlive() && (watch == null || watch.stopped().isEmpty()));
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

  /** The operator's own CA and certificates (files, e.g. cert-manager's, take precedence). */
  private ServerTls issued() {
    String namespace = client.getNamespace() == null ? "default" : client.getNamespace();
    List<String> names =
        dnsNames.orElse(
            List.of(
                "palisade-node-state." + namespace + ".svc",
                "palisade-node-state." + namespace + ".svc.cluster.local"));
    try {
      issuer =
          new NodeStateIssuer(namespace, nodeServiceAccount, names, caValidity, certificateValidity)
              .start(client, Clock.systemUTC(), leadership::leading);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the node-state CA in " + namespace, e);
    }
    return issuer.server();
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
    if (xdsServer != null) {
      xdsServer.close();
    }
    // After the server: its lanes write to the server's streams.
    xds.close();
    if (issuer != null) {
      issuer.close();
    }
  }
}
