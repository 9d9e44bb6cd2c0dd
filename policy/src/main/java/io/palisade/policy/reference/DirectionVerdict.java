package io.palisade.policy.reference;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.AuditView;
import io.palisade.policy.rules.RuleOrigin;
import java.util.List;
import java.util.Optional;

/**
 * The verdict of one side of a flow: the source's egress or the destination's ingress. {@code
 * enforced} is false when no rule selects the endpoint in that direction; {@code defaultDeny} says
 * whether unmatched traffic is dropped. Both count enforced rules only; {@code audit} is the report
 * of an allowed flow that the audit-mode rules would drop.
 */
public record DirectionVerdict(
    Direction direction,
    Verdict verdict,
    boolean enforced,
    boolean defaultDeny,
    List<RuleOrigin> selectedBy,
    List<Contribution> matched,
    Optional<AuditView.Finding> audit) {

  public DirectionVerdict {
    selectedBy = List.copyOf(selectedBy);
    matched = List.copyOf(matched);
  }

  public DirectionVerdict(
      Direction direction,
      Verdict verdict,
      boolean enforced,
      boolean defaultDeny,
      List<RuleOrigin> selectedBy,
      List<Contribution> matched) {
    this(direction, verdict, enforced, defaultDeny, selectedBy, matched, Optional.empty());
  }

  /** The side of a flow no policy can touch: the endpoint is not local (world, CIDR). */
  public static DirectionVerdict notLocal(Direction direction) {
    return new DirectionVerdict(direction, Verdict.ALLOW, false, false, List.of(), List.of());
  }
}
