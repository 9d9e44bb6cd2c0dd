package io.palisade.node.stream;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.ParsedIpcache;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The merged ipcache as the proxy's peers, prefix text to identity, read through rather than
 * copied: every revision hands the proxy its peers, and writing out 30,000 prefixes as text for a
 * node that runs no proxy (or for a delta that changed no address) was most of a delta's apply.
 * Unmodifiable; a key is found only in the form {@link CidrPrefix#toString} writes it. The proxy's
 * readers take the prefixes themselves ({@link ParsedIpcache}), not their text.
 */
public final class PeerNames extends AbstractMap<String, Long> implements ParsedIpcache {

  private final Map<CidrPrefix, Long> merged;

  /** The peers of {@code merged}, which never changes. */
  public PeerNames(Map<CidrPrefix, Long> merged) {
    this.merged = merged;
  }

  @Override
  public Map<CidrPrefix, Long> parsed() {
    return merged;
  }

  @Override
  public Long get(Object key) {
    if (!(key instanceof String s)) {
      return null;
    }
    return CidrPrefix.parse(s).filter(p -> p.toString().equals(s)).map(merged::get).orElse(null);
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return merged.size();
  }

  @Override
  public Set<Entry<String, Long>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Long>> iterator() {
        Iterator<Entry<CidrPrefix, Long>> it = merged.entrySet().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Entry<String, Long> next() {
            Entry<CidrPrefix, Long> e = it.next();
            return new SimpleImmutableEntry<>(e.getKey().toString(), e.getValue());
          }
        };
      }

      @Override
      public int size() {
        return merged.size();
      }
    };
  }
}
