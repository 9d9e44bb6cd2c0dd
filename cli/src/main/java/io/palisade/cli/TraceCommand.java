package io.palisade.cli;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.L7ParserMismatch;
import io.palisade.policy.flow.L7Trace;
import io.palisade.policy.l7.L7Request;
import java.util.Optional;
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
            + " from both sides; with --http, --grpc, --kafka-api or --dns, also one request on"
            + " the port: the L7 rule that admits it, or what was tried.")
final class TraceCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin PolicyInputs inputs;

  @Option(names = "--from", required = true, paramLabel = "NS/POD|IP", description = "Source.")
  String from;

  @Option(names = "--to", required = true, paramLabel = "NS/POD|IP", description = "Destination.")
  String to;

  @Option(names = "--port", required = true, paramLabel = "N/PROTO", description = "e.g. 80/TCP.")
  String port;

  @Mixin L7RequestOptions l7;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws Exception {
    PortSpec p = PortSpec.parse(port);
    Optional<L7Request> request = l7.request();
    ClusterPolicy cp = inputs.load(spec.commandLine().getErr());
    if (cp == null) {
      return 1;
    }
    FlowEndpoint src = endpoint(cp, from, "--from");
    FlowEndpoint dst = endpoint(cp, to, "--to");
    Optional<L7Trace> l7Trace = request.map(r -> l7Trace(cp, src, dst, p, r));
    TraceReport report = TraceReport.of(cp, src, dst, p, l7Trace);
    if (output.table()) {
      spec.commandLine().getOut().print(report.text());
    } else {
      output.print(spec.commandLine().getOut(), report.document());
    }
    return 0;
  }

  /** The request's trace; a request of another protocol than the port's proxy is a usage error. */
  private L7Trace l7Trace(
      ClusterPolicy cp, FlowEndpoint src, FlowEndpoint dst, PortSpec p, L7Request r) {
    try {
      return L7Trace.of(cp, src, dst, p.protocol().number(), p.port(), r);
    } catch (L7ParserMismatch m) {
      throw new IllegalArgumentException(
          l7.options()
              + " does not fit port "
              + p
              + ": it is redirected to the "
              + m.parser()
              + " proxy on "
              + m.direction().lowerName()
              + " of "
              + m.endpoint()
              + "; trace it with "
              + switch (m.parser()) {
                case HTTP -> "--http METHOD PATH or --grpc /PKG.SERVICE/METHOD";
                case KAFKA -> "--kafka-api KEY [--kafka-topic TOPIC]";
                case DNS -> "--dns NAME";
              });
    }
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
