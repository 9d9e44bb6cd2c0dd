package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapState;
import java.util.Set;

/**
 * The resolved policy of one subject identity: which directions rules enforce, and the MapState
 * (unenforced directions hold an allow-all key, as in Cilium).
 */
public record EndpointPolicy(long identity, Set<Direction> enforced, MapState mapState) {

  public boolean enforces(Direction direction) {
    return enforced.contains(direction);
  }
}
