package io.palisade.cli;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.reach.ReachabilityMatrix;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code palisade matrix}: the verdict of every pod to every other pod on every port. */
@Command(
    name = "matrix",
    mixinStandardHelpOptions = true,
    description = "Print the pod x pod x port reachability table.")
final class MatrixCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin PolicyInputs inputs;

  @Option(
      names = "--ports",
      required = true,
      paramLabel = "N/PROTO,...",
      description = "e.g. 80/TCP,81/TCP,53/UDP.")
  String ports;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    List<PortSpec> portList = PortSpec.parseList(ports);
    ClusterPolicy cp = inputs.load(spec.commandLine().getErr());
    if (cp == null) {
      return 1;
    }
    List<FlowEndpoint> pods = cp.pods();
    PrintWriter out = spec.commandLine().getOut();
    if (!output.table()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ReachabilityMatrix.Cell c :
          ReachabilityMatrix.cells(cp, portList.stream().map(PortSpec::cellPort).toList())) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("from", c.from().name());
        row.put("to", c.to().name());
        row.put("port", c.port().toString());
        TraceReport.verdict(row, c.outcome());
        rows.add(row);
      }
      output.print(out, rows);
      return 0;
    }
    for (PortSpec p : portList) {
      table(out, cp, pods, p);
    }
    out.println(
        "legend: . allowed, R redirected to the L7 proxy (no proxy: dropped), X denied,"
            + " - a pod to itself");
    return 0;
  }

  /**
   * One truth table per port, sources down, destinations across, as the Kubernetes e2e suite prints
   * them.
   */
  private static void table(
      PrintWriter out, ClusterPolicy cp, List<FlowEndpoint> pods, PortSpec p) {
    int width = 4;
    for (FlowEndpoint e : pods) {
      width = Math.max(width, e.name().length());
    }
    out.println(p + " (from \\ to)");
    StringBuilder header = new StringBuilder(pad("", width));
    for (FlowEndpoint to : pods) {
      header.append(' ').append(pad(to.name(), width));
    }
    out.println(header.toString().stripTrailing());
    for (FlowEndpoint from : pods) {
      StringBuilder row = new StringBuilder(pad(from.name(), width));
      for (FlowEndpoint to : pods) {
        String cell =
            from == to
                ? "-"
                : switch (ReachabilityMatrix.verdict(cp, from, to, p.cellPort())) {
                  case ALLOWED -> ".";
                  case REDIRECTED -> "R";
                  case DENIED -> "X";
                };
        row.append(' ').append(pad(cell, width));
      }
      out.println(row.toString().stripTrailing());
    }
    out.println();
  }

  private static String pad(String s, int width) {
    return String.format("%-" + width + "s", s);
  }
}
