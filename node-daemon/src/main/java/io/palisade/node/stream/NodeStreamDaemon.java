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
import io.palisade.node.discovery.ChainedRecords;
import io.palisade.node.discovery.EndpointDiscovery;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.FlowDrain;
import io.palisade.node.observe.FlowLogFile;
import io.palisade.node.observe.FlowNamer;
import io.palisade.node.observe.FlowRing;
import io.palisade.node.observe.FlowSampler;
import io.palisade.node.observe.FlowSink;
import io.palisade.node.observe.ObserveServer;
import io.palisade.node.observe.Readiness;
import io.palisade.node.tls.NodeCertificates;
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
    try (Datapath datapath = Datapath.open(options.pinRoot());
        NodeStateClient client =
            new NodeStateClient(
                options.node(),
                channel,
                applier(datapath, out),
                new EndpointDiscovery(
                    ChainedRecords.DEFAULT_DIR,
                    problem -> out.println("palisade-node: " + problem)),
                Optional.of(options.stateFile()),
                out,
                Duration.ofMillis(200),
                Duration.ofSeconds(30));
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
              + client.revision());
      out.flush();
      client.start();
      FlowRing ring = new FlowRing(RECENT_FLOWS);
      FlowSink flows = ring;
      if (options.flowLog().isPresent()) {
        flows = flows.andThen(FlowLogFile.open(options.flowLog().get()));
      }
      try (FlowDrain drain =
              FlowDrain.start(
                  datapath,
                  FlowNamer.addressesOnly(),
                  new FlowSampler(options.flowSample()),
                  flows,
                  line -> {
                    out.println("palisade-node: " + line);
                    out.flush();
                  });
          ObserveServer server = serve(options, datapath, client, ring)) {
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
      StreamOptions options, Datapath datapath, NodeStateClient client, FlowRing flows)
      throws IOException {
    if (options.metrics().isEmpty()) {
      return null;
    }
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    DatapathMeters.bind(registry, datapath);
    return ObserveServer.start(
        options.metrics().get(),
        registry,
        () ->
            client.revision() > 0
                ? Readiness.ready("ready: revision " + client.revision() + " in the maps")
                : Readiness.notReady("not ready: no revision from the operator in the maps yet"),
        Optional.of(flows));
  }

  /** Writes each desired state to {@code datapath}, logging what it did to the interfaces. */
  static NodeStateClient.Applier applier(Datapath datapath, PrintStream out) {
    return new NodeStateClient.Applier() {
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
    };
  }
}
