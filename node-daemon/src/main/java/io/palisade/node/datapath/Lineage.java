package io.palisade.node.datapath;

import io.palisade.policy.identity.CidrPrefix;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which map another was made from, and the prefixes at which the two may differ: a diff of the two
 * then looks at those only. The map made from is named by version, not held, so that a chain of
 * maps does not keep every earlier one alive.
 */
final class Lineage {

  private static final AtomicLong VERSIONS = new AtomicLong();

  private final long version = VERSIONS.incrementAndGet();
  private final long madeFrom;
  private final Set<CidrPrefix> moved;

  private Lineage(long madeFrom, Set<CidrPrefix> moved) {
    this.madeFrom = madeFrom;
    this.moved = moved;
  }

  /** A map made from none known. */
  static Lineage first() {
    return new Lineage(0, Set.of());
  }

  /** A map made from this one's by changing it at {@code moved} only. */
  Lineage next(Set<CidrPrefix> moved) {
    return new Lineage(version, Set.copyOf(moved));
  }

  /** The prefixes that may differ from {@code previous}, when made from it; empty otherwise. */
  Optional<Set<CidrPrefix>> movedSince(Lineage previous) {
    return previous.version == madeFrom ? Optional.of(moved) : Optional.empty();
  }
}
