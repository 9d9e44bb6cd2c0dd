package io.palisade.cli;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code palisade trace}: the verdict of one flow, and the rules and identities behind it. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description =
        "Decide one flow: ALLOWED, DENIED or REDIRECTED (dropped: no L7 proxy yet), and why,"
            + " from both sides.")
final class TraceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin PolicyInputs inputs;

  @Option(names = "--from", required = true, paramLabel = "NS/POD|IP", description = "Source.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "NS/POD|IP", description = "Destination.")
  String to;

  @Option(names = "--port", required = true, paramLabel = "N/PROTO", description = "e.g. 80/TCP.")
  String port;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    PortSpec p = PortSpec.parse(port);
    ClusterPolicy cp = inputs.load(spec.commandLine().getErr());
    if (cp == null) {
      return 1;
    }
    FlowEndpoint src = endpoint(cp, from, "--from");
    FlowEndpoint dst = endpoint(cp, to, "--to");
    TraceReport report = TraceReport.of(cp, src, dst, p);
    if (output.table()) {
      spec.commandLine().getOut().print(report.text());
    } else {
      output.print(spec.commandLine().getOut(), report.document());
    }
    return 0;
  }

  static FlowEndpoint endpoint(ClusterPolicy cp, String text, String option) {
    return cp.endpoint(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    option
                        + " \""
                        + text
                        + "\" is neither a pod (NAMESPACE/NAME) of the cluster file nor an IP address"));
  }
}
