package io.palisade.node.stream;

import io.palisade.node.NodeDaemon;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathBusyException;
import io.palisade.node.datapath.DriftRepair;
import io.palisade.node.datapath.RouteLookup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code palisade node-daemon --node NAME --operator HOST:PORT}: the node daemon fed by the
 * operator's node-state stream instead of files. Pods' veths come from their host routes; drift of
 * the maps is repaired every --repair-interval and on SIGHUP, as in file mode.
 */
public final class NodeStreamDaemon {

  private NodeStreamDaemon() {}

  public static void main(String[] args) throws Exception {
    StreamOptions options;
    try {
      options = StreamOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    try {
      run(options, System.out);
    } catch (DatapathBusyException e) {
      System.err.println("palisade-node: " + e.getMessage());
      System.exit(1);
    }
  }

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
                Duration.ofSeconds(30));
        DriftRepair repair = NodeDaemon.startRepair(datapath, options.repairInterval(), out)) {
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
      Thread.currentThread().join(); // until killed; the maps keep enforcing the last state
    }
  }
}
