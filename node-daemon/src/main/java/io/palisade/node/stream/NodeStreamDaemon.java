package io.palisade.node.stream;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.RouteLookup;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.ObserveServer;
import io.palisade.node.observe.Readiness;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code palisade node-daemon --node NAME --operator HOST:PORT}: the node daemon fed by the
 * operator's node-state stream instead of files. Pods' veths come from their host routes; the
 * command line is {@link NodeDaemonCommand}.
 */
public final class NodeStreamDaemon {

  private NodeStreamDaemon() {}

  static void run(StreamOptions options, PrintStream out) throws Exception {
    try (Datapath datapath = Datapath.open(options.pinRoot());
        NodeStateClient client =
            new NodeStateClient(
                options.node(),
                NodeStateClient.channel(options.operator(), options.tls()),
                desired -> {
                  ApplyResult r = datapath.apply(desired);
                  out.println(
                      "palisade-node: writes="
                          + r.totalWrites()
                          + " attached="
                          + r.attached()
                          + " generation="
                          + r.generation());
                },
                RouteLookup::hostVeth,
                Optional.of(options.stateFile()),
                out,
                Duration.ofMillis(200),
                Duration.ofSeconds(30))) {
      out.println(
          "palisade-node: datapath loaded, pins under "
              + options.pinRoot()
              + "; node "
              + options.node()
              + " streaming from "
              + options.operator()
              + " at revision "
              + client.revision());
      out.flush();
      client.start();
      try (ObserveServer server = serve(options, datapath, client)) {
        Thread.currentThread().join(); // until killed; the maps keep enforcing the last state
      }
    }
  }

  /** /metrics, /healthz and /readyz: ready once the maps hold a revision of the operator's. */
  private static ObserveServer serve(
      StreamOptions options, Datapath datapath, NodeStateClient client) throws IOException {
    if (options.metricsPort() <= 0) {
      return null;
    }
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    DatapathMeters.bind(registry, datapath);
    return ObserveServer.start(
        new InetSocketAddress(options.metricsPort()),
        registry,
        () ->
            client.revision() > 0
                ? Readiness.ready("ready: revision " + client.revision() + " in the maps")
                : Readiness.notReady("not ready: no revision from the operator in the maps yet"));
  }
}
