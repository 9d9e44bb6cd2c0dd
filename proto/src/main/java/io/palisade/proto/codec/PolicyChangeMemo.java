package io.palisade.proto.codec;

import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.proto.nodestate.v1.PolicyChange;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The policy changes of one publish, each compared and encoded once: an identity runs on several
 * nodes (a deployment's replicas), and every one of those nodes' deltas needs the same change from
 * the same before to the same after. Keyed by the instances, not their contents, since the desired
 * state hands every node the one {@link IdentityPolicy} of an identity. For one thread, for one
 * publish: it holds on to what it made.
 */
public final class PolicyChangeMemo {

  /** Two policies compared by instance: equal contents in other instances are compared again. */
  private record Pair(IdentityPolicy before, IdentityPolicy after) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Pair p && p.before == before && p.after == after;
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(before) + System.identityHashCode(after);
    }
  }

  private final Map<Pair, Optional<PolicyChange>> changes = new HashMap<>();

  /**
   * What takes a node from {@code before} (null: the node has no policy for the identity) to {@code
   * after}: a replacement, the entries that changed, or nothing when the two are equal.
   */
  Optional<PolicyChange> change(IdentityPolicy before, IdentityPolicy after) {
    if (before == after) {
      return Optional.empty();
    }
    return changes.computeIfAbsent(
        new Pair(before, after), p -> NodeStateDiff.policyChange(p.before(), p.after()));
  }
}
