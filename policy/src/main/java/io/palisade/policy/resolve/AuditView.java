package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateMatch;
import io.palisade.policy.mapstate.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a subject's audit-mode policies would do if they were enforced: the MapState of every rule
 * selecting the subject, audit-mode ones included, in the directions they select ({@code
 * directions}). A flow the enforced policies allow and this MapState drops passes and is reported
 * {@code AUDIT}; the rest of the time it says nothing, so an audit-mode allow never grants access.
 *
 * @param policies per direction, the audit-mode policies selecting the subject ("Kind ns/name")
 * @param denies per direction, those of them with deny rules
 */
public record AuditView(
    Set<Direction> directions,
    MapState mapState,
    Map<Direction, List<String>> policies,
    Map<Direction, List<String>> denies) {

  public AuditView {
    directions = Set.copyOf(directions);
    policies = Map.copyOf(policies);
    denies = Map.copyOf(denies);
  }

  /** Why an allowed flow is reported: no rule would allow it, or a deny would drop it. */
  public enum Cause {
    /** The audit-mode policies put the direction into default deny and no rule allows the flow. */
    DEFAULT_DENY,
    /** An audit-mode deny rule matches the flow. */
    DENY
  }

  /** A flow the enforced policies let through and the audit-mode ones would drop. */
  public record Finding(Cause cause, List<String> policies) {
    public Finding {
      policies = List.copyOf(policies);
    }
  }

  /**
   * The report for a flow whose enforced verdict is {@code enforced}: only an allowed flow is
   * audited (a drop stays a drop, and a redirect goes to its proxy), when the MapState of all the
   * rules would drop it.
   */
  public Optional<Finding> audit(
      Direction direction, long peer, int protocol, int port, Verdict enforced) {
    if (enforced != Verdict.ALLOW || !directions.contains(direction)) {
      return Optional.empty();
    }
    Optional<MapStateMatch> m = mapState.lookup(direction, peer, protocol, port);
    if (m.isEmpty()) {
      return Optional.of(
          new Finding(Cause.DEFAULT_DENY, policies.getOrDefault(direction, List.of())));
    }
    if (m.get().entry().verdict() == Verdict.DENY) {
      return Optional.of(new Finding(Cause.DENY, denies.getOrDefault(direction, List.of())));
    }
    return Optional.empty();
  }
}
