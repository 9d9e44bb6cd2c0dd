package io.palisade.node.stream;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.ManagedChannel;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.node.NodeDaemon;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.DriftRepair;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.NodeProxy;
import io.palisade.node.datapath.ProxyFirst;
import io.palisade.node.discovery.ChainedRecords;
import io.palisade.node.discovery.EndpointDiscovery;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.FlowDrain;
import io.palisade.node.observe.FlowLogFile;
import io.palisade.node.observe.FlowNamer;
import io.palisade.node.observe.FlowSampler;
import io.palisade.node.observe.L7FlowWriter;
import io.palisade.node.observe.ObserveServer;
import io.palisade.node.observe.Readiness;
import io.palisade.node.tls.NodeCertificates;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.flows.FlowSink;
import io.palisade.pipeline.model.LocalState;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code palisade node-daemon --node NAME --operator HOST:PORT}: the node daemon fed by the
 * operator's node-state stream instead of files. Pods' veths are discovered ({@link
 * EndpointDiscovery}: chained CNI records, host routes, bridge tables); drift of the maps is
 * repaired every --repair-interval and on SIGHUP, as in file mode. The command line is {@link
 * NodeDaemonCommand}.
 */
public final class NodeStreamDaemon {

  /** Flows kept for {@code /api/flows} of --metrics-port. */
  static final int RECENT_FLOWS = 10_000;

  private NodeStreamDaemon() {}

  static void run(StreamOptions options, PrintStream out) throws Exception {
    NodeCertificates certificates = null;
    ManagedChannel channel;
    if (options.tlsAuto().isPresent()) {
      // In a pod: the client reads the ServiceAccount token, the API server's CA and namespace.
      KubernetesClient kubernetes = new KubernetesClientBuilder().build();
      certificates =
          new NodeCertificates(
              kubernetes,
              options.node(),
              options.tlsAuto().get(),
              Duration.ofDays(7),
              Duration.ofMinutes(5),
              Clock.systemUTC(),
              out);
      channel =
          NodeStateClient.channel(options.operator(), certificates.obtain(), certificates.ca());
      certificates.start();
    } else {
      // Unusable TLS files throw, and the command line prints one line naming them.
      channel = NodeStateClient.channel(options);
    }
    PrintStream flowLog =
        options.flowLog().isPresent() ? FlowLogFile.open(options.flowLog().get()) : null;
    try (L7FlowWriter l7Lines = flowLog == null ? null : new L7FlowWriter(flowLog);
        Datapath datapath = Datapath.open(options.pinRoot());
        NodeProxy proxy =
            options
                .l7Proxy()
                .start(datapath, options.fqdn(), l7Lines == null ? e -> {} : l7Lines)
                .orElse(null);
        NodeStateClient client =
            new NodeStateClient(
                    options.node(),
                    channel,
                    applier(datapath, Optional.ofNullable(proxy), out),
                    new EndpointDiscovery(
                        ChainedRecords.DEFAULT_DIR,
                        problem -> out.println("palisade-node: " + problem)),
                    Optional.of(options.stateFile()),
                    out,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(30))
                .announcing(options.l7Proxy().announced());
        DriftRepair repair = NodeDaemon.startRepair(datapath, options.repairInterval(), out)) {
      out.println(
          "palisade-node: datapath loaded, pins under "
              + options.pinRoot()
              + "; node "
              + options.node()
              + " streaming from "
              + options.operator()
              + (options.insecure() ? " in plain text (--insecure)" : " over mutual TLS")
              + " at revision "
              + client.revision()
              + "; L7 redirects go to "
              + switch (options.l7Proxy()) {
                case embedded -> "the embedded proxy";
                case envoy -> "the Envoy listening on the node";
                case none -> "no proxy (their traffic is dropped)";
              });
      out.flush();
      if (proxy != null) {
        // The DNS proxy's learned toFQDNs addresses go into the maps before the pod's answer.
        proxy.onLearned(client::applyLearned);
      }
      client.start();
      FlowRing ring = new FlowRing(RECENT_FLOWS);
      FlowSink flows = ring;
      if (flowLog != null) {
        flows = flows.andThen(FlowLogFile.sink(flowLog));
      }
      // Over the node-state channel, so its TLS and certificate renewals hold for the flows too.
      FlowRelay relay =
          new FlowRelay(
                  options.node(), channel, Duration.ofMillis(200), Duration.ofSeconds(30), out)
              .start();
      flows = flows.andThen(relay);
      try (relay;
          FlowDrain drain =
              FlowDrain.start(
                  datapath,
                  FlowNamer.addressesOnly(),
                  new FlowSampler(options.flowSample()),
                  flows,
                  line -> {
                    out.println("palisade-node: " + line);
                    out.flush();
                  });
          ObserveServer server = serve(options, datapath, client, proxy, ring, relay)) {
        Thread.currentThread().join(); // until killed; the maps keep enforcing the last state
      }
    } finally {
      if (certificates != null) {
        certificates.close();
      }
    }
  }

  /** /metrics, /healthz and /readyz: ready once the maps hold a revision of the operator's. */
  private static ObserveServer serve(
      StreamOptions options,
      Datapath datapath,
      NodeStateClient client,
      NodeProxy proxy,
      FlowRing flows,
      FlowRelay relay)
      throws IOException {
    if (options.metrics().isEmpty()) {
      return null;
    }
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    DatapathMeters.bind(registry, datapath);
    relay.bindMeters(registry);
    if (proxy instanceof EmbeddedNodeProxy embedded) {
      embedded.bindMeters(registry);
    }
    return ObserveServer.start(
        options.metrics().get(),
        registry,
        () ->
            client.revision() > 0
                ? Readiness.ready("ready: revision " + client.revision() + " in the maps")
                : Readiness.notReady("not ready: no revision from the operator in the maps yet"),
        Optional.of(flows));
  }

  /**
   * Writes each desired state to {@code datapath}, logging what it did to the interfaces, and each
   * revision's L7 rules to {@code proxy} before its maps ({@link ProxyFirst}).
   */
  public static NodeStateClient.Applier applier(
      Datapath datapath, Optional<NodeProxy> proxy, PrintStream out) {
    return new NodeStateClient.Applier() {
      @Override
      public String applyProxy(LocalState local, Map<String, Long> peers) {
        return proxy.map(p -> ProxyFirst.update(datapath, p, local, peers)).orElse("");
      }

      @Override
      public boolean proxyChangesOnItsOwn() {
        return proxy.map(NodeProxy::changesOnItsOwn).orElse(false);
      }

      @Override
      public Map<String, String> apply(DatapathState desired) {
        ApplyResult r = datapath.apply(desired);
        out.println(
            "palisade-node: writes="
                + r.totalWrites()
                + " attached="
                + r.attached()
                + (r.detached().isEmpty() ? "" : " detached=" + r.detached())
                + " generation="
                + r.generation());
        return r.unattached();
      }

      @Override
      public boolean attachmentsCurrent(DatapathState applied) {
        return datapath.attachmentsCurrent(applied);
      }

      @Override
      public Map<String, Long> learnedIpcache() {
        return proxy.map(NodeProxy::learnedIpcache).orElse(Map.of());
      }
    };
  }
}
