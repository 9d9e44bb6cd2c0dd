package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.Map;
import java.util.Set;

/** The MapState of one identity as a node holds it: an immutable copy of the engine's. */
public record IdentityPolicy(
    long identity, Set<Direction> enforced, Map<MapStateKey, MapStateEntry> entries) {

  public IdentityPolicy {
    enforced = Set.copyOf(enforced);
    entries = Map.copyOf(entries);
  }

  public static IdentityPolicy of(EndpointPolicy policy) {
    return new IdentityPolicy(policy.identity(), policy.enforced(), policy.mapState().entries());
  }

  public boolean enforces(Direction direction) {
    return enforced.contains(direction);
  }

  /** The entries as a MapState, to look a packet up the way the datapath does. */
  public MapState mapState() {
    MapState state = new MapState();
    entries.forEach(state::insert);
    return state;
  }
}
