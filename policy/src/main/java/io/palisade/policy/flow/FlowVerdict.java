package io.palisade.policy.flow;

import io.palisade.policy.mapstate.Verdict;
import java.util.ArrayList;
import java.util.List;

/** A flow's verdict: a deny on either side denies it; a redirect on either side redirects it. */
public record FlowVerdict(SideVerdict egress, SideVerdict ingress) {

  public Verdict verdict() {
    return egress.verdict().outranks(ingress.verdict()) ? egress.verdict() : ingress.verdict();
  }

  public Outcome outcome() {
    return Outcome.of(verdict());
  }

  /**
   * Whether the flow passes only because audit-mode policies do not drop it: allowed, and reported
   * {@code AUDIT} on one side or both.
   */
  public boolean audited() {
    return verdict() == Verdict.ALLOW
        && (egress.audit().isPresent() || ingress.audit().isPresent());
  }

  /** The audit-mode policies a report names, the egress side's first. */
  public List<String> auditedBy() {
    List<String> out = new ArrayList<>();
    for (SideVerdict s : List.of(egress, ingress)) {
      s.audit()
          .ifPresent(f -> f.policies().stream().filter(p -> !out.contains(p)).forEach(out::add));
    }
    return out;
  }
}
