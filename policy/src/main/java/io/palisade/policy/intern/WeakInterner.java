package io.palisade.policy.intern;

import java.lang.ref.WeakReference;
import java.util.WeakHashMap;

/**
 * One shared instance per distinct immutable value, held weakly so that a value nobody uses any
 * more goes away with its last user. At the scale of Cilium's 1,000-node test the same values
 * (MapState keys, label sets, selector terms) are built again for every subject or pod that has
 * them; sharing one instance of each keeps hundreds of thousands of equal copies out of the heap.
 *
 * <p>Values must be immutable and have value equality. Thread-safe.
 */
public final class WeakInterner<T> {

  // The value is a weak reference to the key itself: a strong one would keep every key alive.
  private final WeakHashMap<T, WeakReference<T>> canonical = new WeakHashMap<>();

  /** The shared instance equal to {@code value}; {@code value} itself when it is the first. */
  public synchronized T intern(T value) {
    WeakReference<T> ref = canonical.get(value);
    T shared = ref == null ? null : ref.get();
    if (shared != null) {
      return shared;
    }
    canonical.put(value, new WeakReference<>(value));
    return value;
  }

  /** How many distinct values are held, for tests and figures. */
  public synchronized int size() {
    return canonical.size();
  }
}
