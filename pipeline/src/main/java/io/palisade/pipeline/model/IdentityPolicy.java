package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The MapState of one identity as a node holds it: an immutable snapshot of the engine's (sharing
 * its storage, see {@link MapState#snapshotEntries}), and what the audit-mode policies selecting it
 * would do ({@link IdentityAudit}), when any do.
 */
public record IdentityPolicy(
    long identity,
    Set<Direction> enforced,
    Map<MapStateKey, MapStateEntry> entries,
    Optional<IdentityAudit> audit) {

  public IdentityPolicy {
    enforced = Set.copyOf(enforced);
    entries = MapState.immutable(entries);
  }

  /** A policy that no audit-mode policy touches. */
  public IdentityPolicy(
      long identity, Set<Direction> enforced, Map<MapStateKey, MapStateEntry> entries) {
    this(identity, enforced, entries, Optional.empty());
  }

  public static IdentityPolicy of(EndpointPolicy policy) {
    return new IdentityPolicy(
        policy.identity(),
        policy.enforced(),
        policy.mapState().snapshotEntries(),
        policy.audit().map(IdentityAudit::of));
  }

  public boolean enforces(Direction direction) {
    return enforced.contains(direction);
  }

  /** Whether audit-mode policies select the identity in {@code direction}. */
  public boolean audits(Direction direction) {
    return audit.map(a -> a.audits(direction)).orElse(false);
  }

  /** The entries as a MapState, to look a packet up the way the datapath does. */
  public MapState mapState() {
    MapState state = new MapState();
    entries.forEach(state::insert);
    return state;
  }
}
