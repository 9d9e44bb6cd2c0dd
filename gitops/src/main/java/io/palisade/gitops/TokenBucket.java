package io.palisade.gitops;

import java.util.function.LongSupplier;

/**
 * A token-bucket rate limiter: {@code capacity} calls at once, refilled at {@code perSecond}. The
 * clock is a nanosecond supplier so tests need no sleeps. Thread-safe.
 */
public final class TokenBucket {

  private final double capacity;
  private final double perNano;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  public TokenBucket(int capacity, double perSecond) {
    this(capacity, perSecond, System::nanoTime);
  }

  public TokenBucket(int capacity, double perSecond, LongSupplier nanoClock) {
    if (capacity < 1 || !(perSecond > 0)) {
      throw new IllegalArgumentException("capacity must be >= 1 and perSecond > 0");
    }
    this.capacity = capacity;
    this.perNano = perSecond / 1e9;
    this.nanoClock = nanoClock;
    this.tokens = capacity;
    this.last = nanoClock.getAsLong();
  }

  /** Takes one token if there is one; {@code false} means the call is over the limit. */
  public synchronized boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
