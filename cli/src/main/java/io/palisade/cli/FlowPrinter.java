package io.palisade.cli;

import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.PolicyDecision;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * One line per flow for {@code palisade observe}: hubble's order (time, source, destination,
 * verdict), then the reason and what decided it; or the flow's JSON, one object per line.
 */
final class FlowPrinter {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  private final PrintWriter out;
  private final boolean json;

  FlowPrinter(PrintWriter out, boolean json) {
    this.out = out;
    this.json = json;
  }

  void print(Flow f) {
    if (json) {
      out.println(f.toJson());
      return;
    }
    out.println(
        TIME.format(f.time())
            + "  "
            + f.node().map(n -> n + ": ").orElse("")
            + f.source().display()
            + ":"
            + f.source().port()
            + " -> "
            + f.destination().display()
            + ":"
            + f.destination().port()
            + " "
            + f.protocol()
            + " "
            + f.direction()
            + " "
            + f.verdict().toUpperCase(java.util.Locale.ROOT)
            + " ("
            + f.reason()
            + ")"
            + decided(f));
  }

  static String decided(Flow f) {
    if (f.policy().isPresent() && f.defaultDenyOf().isEmpty()) {
      return " by " + describe(f.policy().get());
    }
    if (!f.defaultDenyOf().isEmpty()) {
      return " default deny of: "
          + f.defaultDenyOf().stream().map(FlowPrinter::describe).collect(Collectors.joining("; "));
    }
    if (!f.auditPolicies().isEmpty()) {
      return " audit: " + String.join(", ", f.auditPolicies());
    }
    return "";
  }

  private static String describe(PolicyDecision d) {
    return d + " from " + d.source();
  }
}
