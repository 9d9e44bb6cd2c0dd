package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateMatch;
import io.palisade.policy.mapstate.Verdict;
import java.util.Optional;
import java.util.Set;

/**
 * The resolved policy of one subject identity: which directions enforced rules select, the MapState
 * of those rules (unenforced directions hold an allow-all key, as in Cilium), and, when audit-mode
 * rules select the subject too, what they would do ({@link AuditView}).
 */
public record EndpointPolicy(
    long identity, Set<Direction> enforced, MapState mapState, Optional<AuditView> audit) {

  public EndpointPolicy(long identity, Set<Direction> enforced, MapState mapState) {
    this(identity, enforced, mapState, Optional.empty());
  }

  public boolean enforces(Direction direction) {
    return enforced.contains(direction);
  }

  /** Whether audit-mode rules select the subject in {@code direction}. */
  public boolean audits(Direction direction) {
    return audit.map(a -> a.directions().contains(direction)).orElse(false);
  }

  /** The audit report for a flow the MapState decided as {@code match}, if it gets one. */
  public Optional<AuditView.Finding> audit(
      Direction direction, long peer, int protocol, int port, Optional<MapStateMatch> match) {
    Verdict v = match.map(m -> m.entry().verdict()).orElse(Verdict.DENY);
    return audit.flatMap(a -> a.audit(direction, peer, protocol, port, v));
  }
}
