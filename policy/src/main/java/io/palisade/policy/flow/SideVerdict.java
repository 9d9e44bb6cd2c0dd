package io.palisade.policy.flow;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateMatch;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.AuditView;
import java.util.Optional;

/**
 * What the datapath decides on one side of a flow: the entry its lookup chose, or none (dropped),
 * or no lookup at all because the endpoint is not local; and the audit report, when an allowed flow
 * would be dropped by audit-mode policies.
 */
public record SideVerdict(
    Direction direction,
    Verdict verdict,
    boolean enforced,
    Optional<MapStateMatch> match,
    Optional<AuditView.Finding> audit) {

  public SideVerdict(
      Direction direction, Verdict verdict, boolean enforced, Optional<MapStateMatch> match) {
    this(direction, verdict, enforced, match, Optional.empty());
  }
}
