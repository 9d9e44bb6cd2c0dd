package io.palisade.proto.codec;

import com.google.protobuf.ByteString;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Netip;
import io.palisade.proto.nodestate.v1.PackedIpcache;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The shared ipcache as a {@link PackedIpcache}: about three bytes an entry before compression
 * instead of a string and a tag each, so that a 30,000-pod cluster's ipcache is tens of KiB, built
 * once per version and sent as the same bytes to every node. The format is in {@code
 * nodestate.proto}. Unpacking refuses what the packer never writes (an unknown family, a prefix
 * length out of range, a group or an entry twice or out of order, a count that does not match, more
 * than {@link #MAX_ENTRIES} entries), naming {@code snapshot.packed_ipcache}. It unpacks into a
 * {@link CompactIpcache}, as the packer's groups already are: no prefix object per entry.
 */
public final class IpcachePacking {

  /** More entries than any cluster's ipcache holds: a larger value is refused, not inflated. */
  public static final int MAX_ENTRIES = 4_000_000;

  // The most an entry takes: an IPv6 address's two 10-byte varints and a 10-byte identity.
  private static final int MAX_ENTRY_BYTES = 30;

  private static final Comparator<CidrPrefix> ORDER =
      Comparator.comparingInt((CidrPrefix p) -> p.address().length)
          .thenComparingInt(CidrPrefix::length)
          .thenComparing(CidrPrefix::address, Arrays::compareUnsigned);

  private IpcachePacking() {}

  /**
   * Packs {@code ipcache} (prefix text to identity) as {@code version}.
   *
   * @throws IllegalArgumentException on a prefix that is not an IP prefix
   */
  public static PackedIpcache pack(long version, Map<String, Long> ipcache) {
    Map<CidrPrefix, Long> parsed = HashMap.newHashMap(ipcache.size());
    ipcache.forEach(
        (text, id) ->
            parsed.put(
                CidrPrefix.parse(text)
                    .orElseThrow(
                        () -> new IllegalArgumentException("ipcache: not an IP prefix: " + text)),
                id));
    return packParsed(version, parsed);
  }

  /** Packs {@code ipcache} as {@code version}. */
  public static PackedIpcache packParsed(long version, Map<CidrPrefix, Long> ipcache) {
    List<CidrPrefix> prefixes = new ArrayList<>(ipcache.keySet());
    prefixes.sort(ORDER);
    Writer out = new Writer(prefixes.size() * 4 + 16);
    int i = 0;
    while (i < prefixes.size()) {
      CidrPrefix first = prefixes.get(i);
      int end = i;
      while (end < prefixes.size() && sameGroup(first, prefixes.get(end))) {
        end++;
      }
      out.varint(first.isIpv4() ? 4 : 6);
      out.varint(first.length());
      out.varint(end - i);
      long prevHi = 0;
      long prevLo = 0;
      for (int j = i; j < end; j++) {
        CidrPrefix p = prefixes.get(j);
        CompactIpcache.Address a = CompactIpcache.Address.of(p);
        long hi = a.hi();
        long lo = a.lo();
        if (first.isIpv4()) {
          out.varint(lo - prevLo);
        } else {
          out.varint(hi - prevHi);
          out.varint(hi == prevHi ? lo - prevLo : lo);
        }
        out.varint(ipcache.get(p));
        prevHi = hi;
        prevLo = lo;
      }
      i = end;
    }
    return PackedIpcache.newBuilder()
        .setVersion(version)
        .setEntries(prefixes.size())
        .setDeflated(deflate(out.bytes()))
        .build();
  }

  /**
   * The entries of {@code packed}, in the compact form a node keeps them in.
   *
   * @throws IllegalArgumentException on anything the packer never writes
   */
  public static CompactIpcache unpack(PackedIpcache packed) {
    int count = packed.getEntries();
    if (count < 0 || count > MAX_ENTRIES) {
      throw bad(
          "entries "
              + Integer.toUnsignedString(count)
              + " is more than the "
              + MAX_ENTRIES
              + " an ipcache may hold");
    }
    Reader in = new Reader(inflate(packed.getDeflated(), count * MAX_ENTRY_BYTES + 64));
    CompactIpcache.Builder out = new CompactIpcache.Builder();
    int lastKind = -1;
    while (in.more()) {
      long family = in.varint();
      if (family != 4 && family != 6) {
        throw bad("a group of family " + family + " (4 or 6)");
      }
      int bytes = family == 4 ? 4 : 16;
      long length = in.varint();
      if (length < 0 || length > bytes * 8) {
        throw bad("prefix length " + length + " in a group of IPv" + family);
      }
      long size = in.varint();
      if (size <= 0 || size > count - out.size()) {
        throw bad("a group of " + size + " entries where " + (count - out.size()) + " are left");
      }
      // Each entry takes two bytes or more: a group cannot make arrays its bytes could not fill.
      if (size > in.remaining() / 2) {
        throw bad("a group of " + size + " entries in the " + in.remaining() + " bytes left");
      }
      int kind = CompactIpcache.kind(bytes, (int) length);
      if (kind <= lastKind) {
        throw bad(
            "a group of IPv" + family + " /" + length + " out of order at entry " + out.size());
      }
      lastKind = kind;
      out.group(bytes, (int) length, (int) size);
      long prevHi = 0;
      long prevLo = 0;
      for (long k = 0; k < size; k++) {
        long hi = 0;
        long lo;
        if (family == 4) {
          long d = in.varint();
          lo = prevLo + d;
          if (Long.compareUnsigned(d, 0xFFFF_FFFFL) > 0 || lo > 0xFFFF_FFFFL || (k > 0 && d == 0)) {
            throw bad("an IPv4 address out of order or out of range at entry " + out.size());
          }
        } else {
          long dHi = in.varint();
          hi = prevHi + dHi;
          lo = dHi == 0 ? prevLo + in.varint() : in.varint();
          if (Long.compareUnsigned(hi, prevHi) < 0
              || (dHi == 0 && k > 0 && Long.compareUnsigned(lo, prevLo) <= 0)) {
            throw bad("an IPv6 address out of order at entry " + out.size());
          }
        }
        if (hostBitsSet(bytes, (int) length, hi, lo)) {
          throw bad(
              Netip.format(bytes == 4 ? ipv4(lo) : ipv6(hi, lo))
                  + "/"
                  + length
                  + " written with host bits set at entry "
                  + out.size());
        }
        out.add(hi, lo, in.varint());
        prevHi = hi;
        prevLo = lo;
      }
    }
    if (out.size() != count) {
      throw bad("holds " + out.size() + " entries, not the " + count + " it says");
    }
    return out.build();
  }

  private static boolean hostBitsSet(int bytes, int length, long hi, long lo) {
    if (bytes == 4) {
      return length < 32 && (lo & ((1L << (32 - length)) - 1)) != 0;
    }
    if (length <= 64) {
      return lo != 0 || (length < 64 && (hi & (-1L >>> length)) != 0);
    }
    return length < 128 && (lo & (-1L >>> (length - 64))) != 0;
  }

  private static boolean sameGroup(CidrPrefix a, CidrPrefix b) {
    return a.address().length == b.address().length && a.length() == b.length();
  }

  static byte[] ipv4(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  static byte[] ipv6(long hi, long lo) {
    byte[] a = new byte[16];
    for (int k = 0; k < 8; k++) {
      a[k] = (byte) (hi >>> (56 - 8 * k));
      a[8 + k] = (byte) (lo >>> (56 - 8 * k));
    }
    return a;
  }

  private static ByteString deflate(byte[] raw) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      deflater.setInput(raw);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
      byte[] buf = new byte[64 * 1024];
      while (!deflater.finished()) {
        out.write(buf, 0, deflater.deflate(buf));
      }
      return ByteString.copyFrom(out.toByteArray());
    } finally {
      deflater.end();
    }
  }

  /** Inflates at most {@code limit} bytes: more is refused, so a small message cannot bloat. */
  private static byte[] inflate(ByteString deflated, int limit) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(deflated.asReadOnlyByteBuffer());
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 1 << 20));
      byte[] buf = new byte[64 * 1024];
      while (!inflater.finished()) {
        int n = inflater.inflate(buf);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw bad("the compressed entries end early");
        }
        if (out.size() + n > limit) {
          throw bad("inflates to more than the " + limit + " bytes its entries can take");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw bad("the entries are not DEFLATE data: " + e.getMessage());
    } finally {
      inflater.end();
    }
  }

  private static IllegalArgumentException bad(String why) {
    return new IllegalArgumentException("snapshot.packed_ipcache: " + why);
  }

  private static final class Writer {
    private byte[] buf;
    private int size;

    Writer(int capacity) {
      buf = new byte[Math.max(capacity, 16)];
    }

    void varint(long v) {
      if (size + 10 > buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    boolean more() {
      return pos < buf.length;
    }

    int remaining() {
      return buf.length - pos;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= buf.length) {
          throw bad("the entries end inside a number");
        }
        byte b = buf[pos++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw bad("a number longer than ten bytes");
    }
  }
}
