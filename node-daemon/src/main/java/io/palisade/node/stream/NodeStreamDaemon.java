package io.palisade.node.stream;

import io.grpc.ManagedChannel;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.RouteLookup;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code palisade node-daemon --node NAME --operator HOST:PORT}: the node daemon fed by the
 * operator's node-state stream instead of files. Pods' veths come from their host routes.
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
    ManagedChannel channel;
    try {
      channel = NodeStateClient.channel(options);
    } catch (IllegalArgumentException e) {
      // Unusable TLS files: one line naming them, not a stack trace.
      System.err.println("palisade-node: " + e.getMessage());
      System.exit(2);
      return;
    }
    run(options, channel, System.out);
  }

  static void run(StreamOptions options, ManagedChannel channel, PrintStream out) throws Exception {
    try (Datapath datapath = Datapath.open(options.pinRoot());
        NodeStateClient client =
            new NodeStateClient(
                options.node(),
                channel,
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
              + (options.tls().isPresent() ? " over mutual TLS" : " in plain text (--insecure)")
              + " at revision "
              + client.revision());
      out.flush();
      client.start();
      Thread.currentThread().join(); // until killed; the maps keep enforcing the last state
    }
  }
}
