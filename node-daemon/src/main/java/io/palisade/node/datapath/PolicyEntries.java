package io.palisade.node.datapath;

import io.palisade.node.maps.PolicyKey;
import io.palisade.node.maps.PolicyValue;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The entries of one policy map, held per subject identity: each identity's keys are one immutable
 * part, kept from one revision to the next while the identity's policy is the same object, so that
 * {@link MapDiff#since} compares only the parts that are not. Every key of a part has the part's
 * identity as its subject.
 */
final class PolicyEntries extends AbstractMap<PolicyKey, PolicyValue> {

  private final Map<Long, Map<PolicyKey, PolicyValue>> parts;
  private final int size;

  PolicyEntries(Map<Long, Map<PolicyKey, PolicyValue>> parts) {
    this.parts = Map.copyOf(parts);
    this.size = this.parts.values().stream().mapToInt(Map::size).sum();
  }

  /** The entries of each subject identity. */
  Map<Long, Map<PolicyKey, PolicyValue>> parts() {
    return parts;
  }

  @Override
  public PolicyValue get(Object key) {
    if (!(key instanceof PolicyKey k)) {
      return null;
    }
    Map<PolicyKey, PolicyValue> part = parts.get(k.subject());
    return part == null ? null : part.get(k);
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public void forEach(BiConsumer<? super PolicyKey, ? super PolicyValue> action) {
    parts.values().forEach(p -> p.forEach(action));
  }

  @Override
  public Set<Entry<PolicyKey, PolicyValue>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<PolicyKey, PolicyValue>> iterator() {
        return parts.values().stream().flatMap(p -> p.entrySet().stream()).iterator();
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
