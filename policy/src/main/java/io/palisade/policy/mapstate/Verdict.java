package io.palisade.policy.mapstate;

/** What a MapState entry does with matching traffic, in increasing precedence. */
public enum Verdict {
  ALLOW,
  REDIRECT,
  DENY;

  /** Whether this verdict takes precedence over {@code other} when both match a packet. */
  public boolean outranks(Verdict other) {
    return ordinal() > other.ordinal();
  }
}
