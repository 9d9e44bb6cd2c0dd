package io.palisade.policy.mapstate;

/**
 * The entry of one key shape ({@link MapState#shapeOf}), made once and inserted into many MapStates
 * ({@link MapState#insert(long, ShapedEntry)}): a group that holds this entry alone holds this
 * object's group, shared, instead of a group of its own. A deny or a redirect is most often alone
 * in its group, and a group per (subject, peer) of each was an eighth of what a full resolution
 * allocated.
 */
public final class ShapedEntry {

  private final MapStateKey shape;
  private final MapStateEntry entry;
  // What a MapState stores for a group of this entry alone: the shape for a plain allow, or a
  // group that a MapState copies before changing it.
  private final Object slot;

  private ShapedEntry(MapStateKey shape, MapStateEntry entry, Object slot) {
    this.shape = shape;
    this.entry = entry;
    this.slot = slot;
  }

  /** The entry of {@code shape}, a key of {@link MapState#shapeOf}. */
  public static ShapedEntry of(MapStateKey shape, MapStateEntry entry) {
    if (shape.identity() != MapStateKey.ANY_IDENTITY) {
      throw new IllegalArgumentException("not a shape: " + shape);
    }
    return new ShapedEntry(
        shape, entry, entry.verdict() == Verdict.ALLOW ? shape : KeyGroup.shared(shape, entry));
  }

  public MapStateKey shape() {
    return shape;
  }

  public MapStateEntry entry() {
    return entry;
  }

  Object slot() {
    return slot;
  }
}
