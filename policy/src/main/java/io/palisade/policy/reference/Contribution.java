package io.palisade.policy.reference;

import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import java.util.List;

/**
 * A rule section that matched a flow, what it says about it, and its port entries that match the
 * packet (none for a section without ports): those with L7 rules redirect, the others allow every
 * request.
 */
public record Contribution(RuleSection section, Verdict verdict, List<PortMatch> ports) {

  public Contribution {
    ports = List.copyOf(ports);
  }
}
