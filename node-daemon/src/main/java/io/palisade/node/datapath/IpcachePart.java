package io.palisade.node.datapath;

import io.palisade.policy.identity.CidrPrefix;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The host addresses of an ipcache (for {@code pal_ipcache}) or its other prefixes (for {@code
 * pal_ipcache_lpm}), read through the ipcache itself rather than copied out of it: a node's
 * 30,000-entry ipcache is the same object from one revision to the next while no address moves, so
 * the part is too, and a diff that sees the same part twice skips it. A part made from the last one
 * ({@link #after}) knows which of its keys can differ from it, so a diff of the two looks at those
 * only. The ipcache must not change.
 */
final class IpcachePart extends AbstractMap<CidrPrefix, Long> {

  private final Map<CidrPrefix, Long> ipcache;
  private final boolean hosts;
  private final Lineage lineage;
  private int size;

  private IpcachePart(Map<CidrPrefix, Long> ipcache, boolean hosts, Lineage lineage, int size) {
    this.ipcache = ipcache;
    this.hosts = hosts;
    this.lineage = lineage;
    this.size = size;
  }

  /** The host addresses of {@code ipcache}: a prefix as long as its address. */
  static IpcachePart hosts(Map<CidrPrefix, Long> ipcache) {
    return new IpcachePart(ipcache, true, Lineage.first(), -1);
  }

  /** The prefixes of {@code ipcache} that are not host addresses. */
  static IpcachePart cidrs(Map<CidrPrefix, Long> ipcache) {
    return new IpcachePart(ipcache, false, Lineage.first(), -1);
  }

  /**
   * The same part of {@code ipcache}, which differs from this part's ipcache by {@code diff} (what
   * turns this one's ipcache into it): its size follows without counting.
   */
  IpcachePart after(Map<CidrPrefix, Long> ipcache, MapDiff<CidrPrefix, Long> diff) {
    Set<CidrPrefix> mine = new HashSet<>();
    int n = size();
    for (CidrPrefix p : diff.upserts().keySet()) {
      if (isHost(p) == hosts) {
        mine.add(p);
        n += containsKey(p) ? 0 : 1;
      }
    }
    for (CidrPrefix p : diff.deletes()) {
      if (isHost(p) == hosts) {
        mine.add(p);
        n--;
      }
    }
    return new IpcachePart(ipcache, hosts, lineage.next(mine), n);
  }

  /**
   * The keys that may differ between {@code previous} and this part, when this part was made from
   * it ({@link #after}); empty otherwise.
   */
  Optional<Set<CidrPrefix>> movedSince(IpcachePart previous) {
    return previous.hosts == hosts ? lineage.movedSince(previous.lineage) : Optional.empty();
  }

  static boolean isHost(CidrPrefix prefix) {
    return prefix.length() == prefix.address().length * 8;
  }

  private boolean mine(Object key) {
    return key instanceof CidrPrefix p && isHost(p) == hosts;
  }

  @Override
  public Long get(Object key) {
    return mine(key) ? ipcache.get(key) : null;
  }

  @Override
  public boolean containsKey(Object key) {
    return mine(key) && ipcache.containsKey(key);
  }

  /** Counted once, on first use: the shape check asks every apply, the ipcache rarely moves. */
  @Override
  public int size() {
    if (size < 0) {
      int n = 0;
      for (CidrPrefix p : ipcache.keySet()) {
        n += isHost(p) == hosts ? 1 : 0;
      }
      size = n;
    }
    return size;
  }

  @Override
  public void forEach(BiConsumer<? super CidrPrefix, ? super Long> action) {
    ipcache.forEach(
        (k, v) -> {
          if (isHost(k) == hosts) {
            action.accept(k, v);
          }
        });
  }

  @Override
  public Set<Entry<CidrPrefix, Long>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<CidrPrefix, Long>> iterator() {
        return ipcache.entrySet().stream().filter(e -> mine(e.getKey())).iterator();
      }

      @Override
      public int size() {
        return IpcachePart.this.size();
      }
    };
  }
}
