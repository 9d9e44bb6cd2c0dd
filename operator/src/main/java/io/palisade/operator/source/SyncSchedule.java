package io.palisade.operator.source;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * When each source syncs next. A source is due on first sight, when its generation moved, when a
 * manual request ({@code palisade.io/requestedAt}) or a webhook call is not yet handled, and when
 * its interval (with ±5% jitter, as Flux does, so sources of one repository spread out) has passed.
 * Anything else that wakes the reconciler, such as its own status patch, syncs nothing.
 */
public final class SyncSchedule {

  /** Flux's default {@code --interval-jitter-percentage}. */
  static final double JITTER = 0.05;

  private record Entry(long generation, Instant due) {}

  /** Unhandled webhook calls: when the oldest arrived, and how many came. */
  public record Pending(Instant since, long calls) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final Map<String, Pending> requested = new ConcurrentHashMap<>();
  private final DoubleSupplier random;

  public SyncSchedule() {
    this(Math::random);
  }

  SyncSchedule(DoubleSupplier random) {
    this.random = random;
  }

  /** Whether {@code key} must sync now; {@code pendingRequest} is an unhandled requestedAt. */
  public boolean due(String key, long generation, boolean pendingRequest, Instant now) {
    Entry e = entries.get(key);
    return e == null
        || e.generation() != generation
        || pendingRequest
        || requested.containsKey(key)
        || !now.isBefore(e.due());
  }

  /**
   * Records a sync of {@code generation} that began with {@code handled} pending (from {@link
   * #pending}), and returns how long until the next one. A call that arrived during the sync keeps
   * the source due, so its push is fetched too.
   */
  public Duration synced(
      String key, long generation, Duration interval, Instant now, Optional<Pending> handled) {
    handled.ifPresent(h -> requested.remove(key, h));
    Duration next = jittered(interval);
    entries.put(key, new Entry(generation, now.plus(next)));
    return next;
  }

  /** How long until {@code key} is due again; zero when it is due. */
  public Duration untilDue(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null || requested.containsKey(key)) {
      return Duration.ZERO;
    }
    Duration left = Duration.between(now, e.due());
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** A webhook call that arrived {@code at}: sync at once. */
  public void requestNow(String key, Instant at) {
    requested.merge(key, new Pending(at, 1), (old, x) -> new Pending(old.since(), old.calls() + 1));
  }

  /** The unhandled webhook calls for {@code key}, if any. */
  public Optional<Pending> pending(String key) {
    return Optional.ofNullable(requested.get(key));
  }

  public void forget(String key) {
    entries.remove(key);
    requested.remove(key);
  }

  private Duration jittered(Duration interval) {
    double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
    return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * factor)));
  }
}
