package io.palisade.policy.flow;

import io.palisade.policy.mapstate.Verdict;

/** A flow's verdict: a deny on either side denies it; a redirect on either side redirects it. */
public record FlowVerdict(SideVerdict egress, SideVerdict ingress) {

  public Verdict verdict() {
    return egress.verdict().outranks(ingress.verdict()) ? egress.verdict() : ingress.verdict();
  }

  public Outcome outcome() {
    return Outcome.of(verdict());
  }
}
