package io.palisade.node.harness;

import java.nio.ByteBuffer;

/**
 * The IPv4 header checksum and the TCP/UDP checksum (with its pseudo-header) of an Ethernet frame
 * as {@link Packets} builds them: filled in before a program runs, checked after it rewrote the
 * packet, so an incremental update the program got wrong shows.
 */
public final class Checksums {

  private static final int ETH = 14;

  private Checksums() {}

  /** The frame with both checksums computed (SCTP's CRC32c is left alone). */
  public static byte[] fill(byte[] frame) {
    byte[] f = frame.clone();
    boolean v6 = ipv6(f);
    if (!v6) {
      put16(f, ETH + 10, 0);
      put16(f, ETH + 10, ~sum(f, ETH, 20, 0) & 0xFFFF);
    }
    int off = checksumOffset(f);
    if (off > 0) {
      put16(f, off, 0);
      int c = ~l4Sum(f) & 0xFFFF;
      put16(f, off, c == 0 && protocol(f) == Packets.UDP ? 0xFFFF : c);
    }
    return f;
  }

  /** Whether both checksums of the frame are right. */
  public static boolean valid(byte[] f) {
    if (!ipv6(f) && (sum(f, ETH, 20, 0) & 0xFFFF) != 0xFFFF) {
      return false;
    }
    return checksumOffset(f) < 0 || (l4Sum(f) & 0xFFFF) == 0xFFFF;
  }

  private static boolean ipv6(byte[] f) {
    return ((f[12] & 0xFF) << 8 | (f[13] & 0xFF)) == 0x86DD;
  }

  private static int protocol(byte[] f) {
    return f[ipv6(f) ? ETH + 6 : ETH + 9] & 0xFF;
  }

  private static int l4Offset(byte[] f) {
    return ETH + (ipv6(f) ? 40 : 20);
  }

  private static int l4Length(byte[] f) {
    return ipv6(f) ? get16(f, ETH + 4) : get16(f, ETH + 2) - 20;
  }

  private static int checksumOffset(byte[] f) {
    return switch (protocol(f)) {
      case Packets.TCP -> l4Offset(f) + 16;
      case Packets.UDP -> l4Offset(f) + 6;
      default -> -1;
    };
  }

  private static int l4Sum(byte[] f) {
    boolean v6 = ipv6(f);
    int len = l4Length(f);
    ByteBuffer pseudo = ByteBuffer.allocate(v6 ? 40 : 12);
    if (v6) {
      pseudo.put(f, ETH + 8, 32).putInt(len).putShort((short) 0).put((byte) 0);
      pseudo.put((byte) protocol(f));
    } else {
      pseudo.put(f, ETH + 12, 8).put((byte) 0).put((byte) protocol(f)).putShort((short) len);
    }
    int s = sum(pseudo.array(), 0, pseudo.capacity(), 0);
    return sum(f, l4Offset(f), len, s);
  }

  /** The ones' complement sum of {@code len} bytes from {@code off}, folded to 16 bits. */
  private static int sum(byte[] b, int off, int len, int start) {
    long s = start;
    for (int i = 0; i < len; i += 2) {
      int hi = b[off + i] & 0xFF;
      int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
      s += hi << 8 | lo;
    }
    while ((s >>> 16) != 0) {
      s = (s & 0xFFFF) + (s >>> 16);
    }
    return (int) s;
  }

  static int get16(byte[] f, int off) {
    return (f[off] & 0xFF) << 8 | (f[off + 1] & 0xFF);
  }

  private static void put16(byte[] f, int off, int v) {
    f[off] = (byte) (v >>> 8);
    f[off + 1] = (byte) v;
  }
}
