package io.palisade.node.datapath;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What turns one map's current contents into its desired contents: the keys to write (new or
 * changed) and the keys to delete. Pure; empty when the two agree.
 */
public record MapDiff<K, V>(Map<K, V> upserts, Set<K> deletes) {

  public static <K, V> MapDiff<K, V> between(Map<K, V> current, Map<K, V> desired) {
    Map<K, V> upserts = new LinkedHashMap<>();
    for (Map.Entry<K, V> e : desired.entrySet()) {
      if (!Objects.equals(current.get(e.getKey()), e.getValue())) {
        upserts.put(e.getKey(), e.getValue());
      }
    }
    Set<K> deletes = new LinkedHashSet<>();
    for (K k : current.keySet()) {
      if (!desired.containsKey(k)) {
        deletes.add(k);
      }
    }
    return new MapDiff<>(upserts, deletes);
  }

  public boolean isEmpty() {
    return upserts.isEmpty() && deletes.isEmpty();
  }

  public int size() {
    return upserts.size() + deletes.size();
  }
}
