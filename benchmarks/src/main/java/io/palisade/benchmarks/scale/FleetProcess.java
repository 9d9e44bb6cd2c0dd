package io.palisade.benchmarks.scale;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The daemons' own JVM, so that the operator's heap and collector are the operator's alone: {@code
 * FleetProcess HOST:PORT NODES [ack]} starts a {@link DaemonFleet} (of {@link AckingDaemon}s with
 * {@code ack}) and answers the {@link ForkedFleet}'s requests on stdin, one a line ({@code start},
 * {@code applied}, {@code traffic}), until stdin closes.
 */
public final class FleetProcess {

  static final String READY = "ready";
  static final String STARTED = "started";
  static final String END = "end";

  private FleetProcess() {}

  public static void main(String[] args) throws Exception {
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(args[1]); i++) {
      nodes.add(ScaleShape.nodeName(i));
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    boolean ackOnly = args.length > 2 && args[2].equals("ack");
    try (DaemonFleet fleet = new DaemonFleet(args[0], nodes, false, ackOnly);
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println(READY);
      out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        switch (line) {
          case "start" -> {
            fleet.start();
            out.println(STARTED);
          }
          case "applied" -> applied(fleet.applied(), out);
          case "traffic" -> traffic(fleet.traffic(), out);
          default -> out.println("error unknown request " + line);
        }
        out.flush();
      }
    }
  }

  private static void applied(Map<String, Fleet.Applied> applied, PrintStream out) {
    applied.forEach(
        (node, a) ->
            out.println(
                node
                    + " "
                    + a.revision()
                    + " "
                    + a.counts().ipcache()
                    + " "
                    + a.counts().endpoints()
                    + " "
                    + a.counts().policyEntries()));
    out.println(END);
  }

  private static void traffic(Fleet.Traffic t, PrintStream out) {
    StringBuilder line = new StringBuilder();
    line.append(t.messages()).append(' ').append(t.bytes()).append(' ').append(t.acks());
    for (long nanos : t.applyNanos()) {
      line.append(' ').append(nanos);
    }
    out.println(line);
  }
}
