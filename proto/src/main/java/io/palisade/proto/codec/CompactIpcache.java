package io.palisade.proto.codec;

import io.palisade.policy.identity.CidrPrefix;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * An ipcache that never changes, held in sorted primitive arrays: one group per address family and
 * prefix length, each an array of addresses beside an array of identities. A node keeps the shared
 * ipcache of every revision it holds; as a hash map of prefix objects Cilium's 30,000-pod shape
 * takes about 3 MiB of heap and 30,000 allocations to unpack, in these arrays under half a MiB and
 * a few. Lookups are binary searches; {@link #with} makes a changed copy that shares every group it
 * does not touch.
 */
public final class CompactIpcache extends AbstractMap<CidrPrefix, Long> {

  /** The ipcache with no entries. */
  public static final CompactIpcache EMPTY = new CompactIpcache(new Group[0]);

  // In IpcachePacking's order: IPv4 before IPv6, then by prefix length; never two of one kind.
  private final Group[] groups;
  private final int size;

  private CompactIpcache(Group[] groups) {
    this.groups = groups;
    int n = 0;
    for (Group g : groups) {
      n += g.size();
    }
    this.size = n;
  }

  /** {@code ipcache} in this form: itself when it already is. */
  public static CompactIpcache of(Map<CidrPrefix, Long> ipcache) {
    return ipcache instanceof CompactIpcache c ? c : EMPTY.with(List.of(), ipcache);
  }

  /**
   * This ipcache with {@code deletes} removed and then {@code upserts} put, as a new one; this one
   * is left as it was, and shares its untouched groups with the new one.
   */
  public CompactIpcache with(Collection<CidrPrefix> deletes, Map<CidrPrefix, Long> upserts) {
    if (deletes.isEmpty() && upserts.isEmpty()) {
      return this;
    }
    // A null value deletes; upserts go in after the deletes, so they win.
    TreeMap<Integer, TreeMap<Address, Long>> changes = new TreeMap<>();
    for (CidrPrefix p : deletes) {
      changes.computeIfAbsent(kind(p), k -> new TreeMap<>()).put(Address.of(p), null);
    }
    upserts.forEach(
        (p, id) ->
            changes
                .computeIfAbsent(kind(p), k -> new TreeMap<>())
                .put(Address.of(p), Long.valueOf(id)));
    List<Group> out = new ArrayList<>(groups.length + changes.size());
    int g = 0;
    for (Map.Entry<Integer, TreeMap<Address, Long>> c : changes.entrySet()) {
      int kind = c.getKey();
      while (g < groups.length && groups[g].kind() < kind) {
        out.add(groups[g++]);
      }
      Group old = g < groups.length && groups[g].kind() == kind ? groups[g++] : null;
      Group merged = Group.merge(old, kind >>> 8, kind & 0xFF, c.getValue());
      if (merged.size() > 0) {
        out.add(merged);
      }
    }
    while (g < groups.length) {
      out.add(groups[g++]);
    }
    return new CompactIpcache(out.toArray(Group[]::new));
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Long get(Object key) {
    if (!(key instanceof CidrPrefix p)) {
      return null;
    }
    Group g = group(kind(p));
    if (g == null) {
      return null;
    }
    Address a = Address.of(p);
    int i = g.find(a.hi(), a.lo());
    return i < 0 ? null : g.ids[i];
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public void forEach(BiConsumer<? super CidrPrefix, ? super Long> action) {
    for (Group g : groups) {
      for (int i = 0; i < g.size(); i++) {
        action.accept(g.prefix(i), g.ids[i]);
      }
    }
  }

  @Override
  public Set<Entry<CidrPrefix, Long>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Entry<CidrPrefix, Long>> iterator() {
        return new Iterator<>() {
          private int g;
          private int i;

          @Override
          public boolean hasNext() {
            while (g < groups.length && i >= groups[g].size()) {
              g++;
              i = 0;
            }
            return g < groups.length;
          }

          @Override
          public Entry<CidrPrefix, Long> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Group at = groups[g];
            int k = i++;
            return Map.entry(at.prefix(k), at.ids[k]);
          }
        };
      }
    };
  }

  private Group group(int kind) {
    for (Group g : groups) {
      if (g.kind() == kind) {
        return g;
      }
    }
    return null;
  }

  /** The family and prefix length of a prefix as one number, ordered as the groups are. */
  private static int kind(CidrPrefix p) {
    return kind(p.address().length, p.length());
  }

  static int kind(int addressBytes, int length) {
    return addressBytes << 8 | length;
  }

  /** Builds one as {@link IpcachePacking#unpack} reads it: group by group, each in order. */
  static final class Builder {
    private final List<Group> groups = new ArrayList<>();
    private Group open;
    private int filled;
    private int size;

    /** Starts a group of {@code count} entries, of a kind after the last group's. */
    void group(int addressBytes, int length, int count) {
      close();
      int kind = kind(addressBytes, length);
      if (!groups.isEmpty() && groups.getLast().kind() >= kind) {
        throw new IllegalStateException("groups out of order");
      }
      open =
          new Group(
              addressBytes,
              length,
              addressBytes == 4 ? null : new long[count],
              new long[count],
              new long[count]);
      filled = 0;
    }

    /** Adds the open group's next entry; the caller has checked that it is after the one before. */
    void add(long hi, long lo, long identity) {
      if (open.hi != null) {
        open.hi[filled] = hi;
      }
      open.lo[filled] = lo;
      open.ids[filled] = identity;
      filled++;
      size++;
    }

    /** How many entries were added so far. */
    int size() {
      return size;
    }

    CompactIpcache build() {
      close();
      return new CompactIpcache(groups.toArray(Group[]::new));
    }

    private void close() {
      if (open != null) {
        if (filled != open.size()) {
          throw new IllegalStateException("a group closed with " + filled + " of its entries");
        }
        groups.add(open);
        open = null;
      }
    }
  }

  /** An address as two unsigned words, IPv4's in the low one, ordered as unsigned numbers. */
  record Address(long hi, long lo) implements Comparable<Address> {

    static Address of(CidrPrefix p) {
      byte[] a = p.address();
      return a.length == 4
          ? new Address(0, word(a, 0, 4))
          : new Address(word(a, 0, 8), word(a, 8, 8));
    }

    private static long word(byte[] a, int from, int bytes) {
      long w = 0;
      for (int k = 0; k < bytes; k++) {
        w = (w << 8) | (a[from + k] & 0xFF);
      }
      return w;
    }

    @Override
    public int compareTo(Address o) {
      int c = Long.compareUnsigned(hi, o.hi);
      return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }
  }

  /** The entries of one family and prefix length, ascending by address. */
  private record Group(int addressBytes, int length, long[] hi, long[] lo, long[] ids) {

    int kind() {
      return CompactIpcache.kind(addressBytes, length);
    }

    int size() {
      return lo.length;
    }

    long hiAt(int i) {
      return hi == null ? 0 : hi[i];
    }

    int find(long h, long l) {
      int from = 0;
      int to = size() - 1;
      while (from <= to) {
        int mid = (from + to) >>> 1;
        int c = Long.compareUnsigned(hiAt(mid), h);
        if (c == 0) {
          c = Long.compareUnsigned(lo[mid], l);
        }
        if (c < 0) {
          from = mid + 1;
        } else if (c > 0) {
          to = mid - 1;
        } else {
          return mid;
        }
      }
      return -1;
    }

    CidrPrefix prefix(int i) {
      return new CidrPrefix(
          addressBytes == 4 ? IpcachePacking.ipv4(lo[i]) : IpcachePacking.ipv6(hi[i], lo[i]),
          length);
    }

    /** {@code old} (null: none) with {@code changes} (a null value deletes) merged in. */
    static Group merge(Group old, int addressBytes, int length, TreeMap<Address, Long> changes) {
      int capacity = (old == null ? 0 : old.size()) + changes.size();
      long[] hi = addressBytes == 4 ? null : new long[capacity];
      long[] lo = new long[capacity];
      long[] ids = new long[capacity];
      int n = 0;
      int i = 0;
      int oldSize = old == null ? 0 : old.size();
      for (Map.Entry<Address, Long> c : changes.entrySet()) {
        Address a = c.getKey();
        while (i < oldSize && new Address(old.hiAt(i), old.lo[i]).compareTo(a) < 0) {
          n = put(hi, lo, ids, n, old.hiAt(i), old.lo[i], old.ids[i]);
          i++;
        }
        if (i < oldSize && old.hiAt(i) == a.hi() && old.lo[i] == a.lo()) {
          i++; // replaced or deleted
        }
        if (c.getValue() != null) {
          n = put(hi, lo, ids, n, a.hi(), a.lo(), c.getValue());
        }
      }
      for (; i < oldSize; i++) {
        n = put(hi, lo, ids, n, old.hiAt(i), old.lo[i], old.ids[i]);
      }
      return new Group(
          addressBytes,
          length,
          hi == null ? null : Arrays.copyOf(hi, n),
          Arrays.copyOf(lo, n),
          Arrays.copyOf(ids, n));
    }

    private static int put(long[] hi, long[] lo, long[] ids, int n, long h, long l, long id) {
      if (hi != null) {
        hi[n] = h;
      }
      lo[n] = l;
      ids[n] = id;
      return n + 1;
    }
  }
}
