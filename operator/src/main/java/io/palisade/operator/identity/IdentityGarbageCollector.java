package io.palisade.operator.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which cluster identities to give back: those no endpoint has used for the grace period,
 * so that a pod restarting (or an operator restarting) finds its number still there.
 */
public final class IdentityGarbageCollector {

  private final Duration grace;
  private final Map<Long, Instant> unusedSince = new HashMap<>();

  public IdentityGarbageCollector(Duration grace) {
    this.grace = grace;
  }

  /** Of the {@code allocated} identities, those unused since at least the grace period. */
  public synchronized List<Long> collect(Collection<Long> allocated, Set<Long> inUse, Instant now) {
    List<Long> expired = new ArrayList<>();
    unusedSince.keySet().retainAll(allocated);
    for (long id : allocated) {
      if (inUse.contains(id)) {
        unusedSince.remove(id);
        continue;
      }
      Instant since = unusedSince.computeIfAbsent(id, k -> now);
      if (!since.plus(grace).isAfter(now)) {
        expired.add(id);
        unusedSince.remove(id);
      }
    }
    return expired;
  }
}
