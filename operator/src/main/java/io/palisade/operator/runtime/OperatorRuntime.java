package io.palisade.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.operator.certs.NodeStateIssuer;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.identity.IdentityGarbageCollector;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.NodeTls;
import io.palisade.operator.nodestate.ServerTls;
import io.palisade.operator.xds.XdsServer;
import io.palisade.pipeline.Pipeline;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts what runs beside the reconcilers: the watches, the pipeline loop and the node-state
 * server; and stops them.
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
  @Inject XdsPublisher xds;

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

  /**
   * Without TLS files: the operator issues the certificates itself (its CA in the Secret
   * palisade-ca, node certificates through CertificateSigningRequests). See the README.
   */
  @ConfigProperty(name = "palisade.node-state.tls.issue", defaultValue = "false")
  boolean issue;

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

  void start(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    // One TLS setup for both servers: the proxies of a node show the same certificates as its
    // daemon, and are held to their node the same way.
    Optional<? extends ServerTls> tls = tls();
    try {
      server = NodeStateServer.start(new InetSocketAddress(port), store, tls);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve node state on port " + port, e);
    }
    try {
      xdsServer = XdsServer.start(new InetSocketAddress(xdsPort), xds, tls);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve xDS on port " + xdsPort, e);
    }
    identityGc = new IdentityGarbageCollector(identityGrace);
    watch = new ClusterWatch(client, inventory, validation).start();
    loop = Thread.ofPlatform().name("pipeline").daemon().start(this::pipelineLoop);
    LOG.infof(
        "node-state server on port %d, xDS on port %d (%s), epoch %s",
        server.port(),
        xdsServer.port(),
        tlsClientCa.isPresent() || issuer != null
            ? "mutual TLS"
            : tlsCert.isPresent() ? "TLS" : "plain text",
        store.epoch());
  }

  private Optional<? extends ServerTls> tls() {
    if (tlsCert.isEmpty() || tlsKey.isEmpty()) {
      if (tlsClientCa.isPresent()) {
        throw new IllegalStateException(
            "palisade.node-state.tls.client-ca needs tls.cert and tls.key as well");
      }
      return issue ? Optional.of(issued()) : Optional.empty();
    }
    return Optional.of(
        new NodeTls(Path.of(tlsCert.get()), Path.of(tlsKey.get()), tlsClientCa.map(Path::of)));
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
        try {
          pipeline.run();
        } catch (RuntimeException e) {
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
    if (issuer != null) {
      issuer.close();
    }
  }
}
