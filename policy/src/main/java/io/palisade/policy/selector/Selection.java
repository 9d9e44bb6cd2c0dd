package io.palisade.policy.selector;

import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.procedures.LongProcedure;
import java.util.function.LongConsumer;

/**
 * The identities one selector selects: a live, read-only view of the selector cache's primitive
 * set, which changes as identities come and go. The engine walks and probes these for every
 * subject, and at Cilium's 1,000-node scale sets of boxed identities were most of the operator's
 * map nodes. Read it from the thread that changes the cache, or while nothing changes it.
 */
public final class Selection {

  private final LongHashSet ids;

  Selection(LongHashSet ids) {
    this.ids = ids;
  }

  public boolean contains(long id) {
    return ids.contains(id);
  }

  public int size() {
    return ids.size();
  }

  public boolean isEmpty() {
    return ids.isEmpty();
  }

  /** Gives each identity to {@code action}, in no particular order. */
  public void forEach(LongConsumer action) {
    ids.forEach((LongProcedure) action::accept);
  }

  /** A copy of the identities, in no particular order. */
  public long[] toArray() {
    return ids.toArray();
  }

  @Override
  public String toString() {
    return ids.toString();
  }
}
