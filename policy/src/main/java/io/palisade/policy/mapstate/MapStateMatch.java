package io.palisade.policy.mapstate;

/** The entry a lookup chose and the key it was stored under. */
public record MapStateMatch(MapStateKey key, MapStateEntry entry) {

  /** Whether the match came from the identity-specific (L3) lookup rather than the L4-only one. */
  public boolean isL3() {
    return key.identity() != MapStateKey.ANY_IDENTITY;
  }
}
