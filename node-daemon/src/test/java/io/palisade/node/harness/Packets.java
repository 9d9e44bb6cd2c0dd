package io.palisade.node.harness;

import java.nio.ByteBuffer;

/**
 * Ethernet frames for BPF_PROG_TEST_RUN: IPv4 or IPv6 with a TCP SYN, UDP, an SCTP chunk, or ICMP
 * echo. Checksums are left zero: the programs never read them.
 */
public final class Packets {

  public static final int TC_ACT_OK = 0;
  public static final int TC_ACT_SHOT = 2;

  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int SCTP = 132;

  /** SCTP chunk types (RFC 9260 section 3.2). */
  public static final int SCTP_DATA = 0;

  public static final int SCTP_INIT = 1;
  public static final int SCTP_INIT_ACK = 2;
  public static final int SCTP_ABORT = 6;
  public static final int SCTP_SHUTDOWN_COMPLETE = 14;

  private Packets() {}

  /** A 64-byte (or larger, for IPv6) frame from {@code src} to {@code dst}; SCTP carries INIT. */
  public static byte[] frame(byte[] src, byte[] dst, int protocol, int sport, int dport) {
    return protocol == SCTP
        ? sctp(src, dst, sport, dport, SCTP_INIT)
        : build(src, dst, protocol, sport, dport, 0);
  }

  /** TCP flag bits, for {@link #tcp}. */
  public static final int TCP_SYN = 0x02;

  public static final int TCP_ACK = 0x10;

  /**
   * A TCP segment with {@code flags} ({@link #TCP_SYN}, {@link #TCP_ACK}); {@link #frame} makes a
   * SYN, a connection's first packet, which the datapath never takes for a reply.
   */
  public static byte[] tcp(byte[] src, byte[] dst, int sport, int dport, int flags) {
    byte[] f = build(src, dst, TCP, sport, dport, 0);
    f[14 + (src.length == 16 ? 40 : 20) + 13] = (byte) flags;
    return f;
  }

  /** An SCTP packet whose first (and only) chunk is {@code chunkType}, with a 16-byte body. */
  public static byte[] sctp(byte[] src, byte[] dst, int sport, int dport, int chunkType) {
    return build(src, dst, SCTP, sport, dport, chunkType);
  }

  /**
   * An IPv4 ICMP destination-unreachable (port unreachable) from {@code src} to {@code dst} that
   * quotes the IP header and the first 8 bytes of {@code quotedFrame}'s payload, as routers do.
   */
  public static byte[] icmpUnreachable(byte[] src, byte[] dst, byte[] quotedFrame) {
    int quoted = 20 + 8;
    ByteBuffer b = ByteBuffer.allocate(Math.max(64, 14 + 20 + 8 + quoted));
    b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + quoted)).putShort((short) 1);
    b.putShort((short) 0).put((byte) 64).put((byte) 1).putShort((short) 0);
    b.put(src).put(dst);
    b.put((byte) 3).put((byte) 3).putShort((short) 0).putInt(0);
    b.put(quotedFrame, 14, quoted);
    return b.array();
  }

  private static byte[] build(
      byte[] src, byte[] dst, int protocol, int sport, int dport, int chunkType) {
    boolean v6 = src.length == 16;
    int l4 =
        switch (protocol) {
          case TCP -> 20;
          case SCTP -> 12 + 4 + 16;
          default -> 8;
        };
    int ipLen = v6 ? 40 : 20;
    ByteBuffer b = ByteBuffer.allocate(Math.max(64, 14 + ipLen + l4));
    b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
    b.putShort((short) (v6 ? 0x86DD : 0x0800));
    if (v6) {
      b.putInt(0x60000000).putShort((short) l4).put((byte) protocol).put((byte) 64);
    } else {
      b.put((byte) 0x45).put((byte) 0).putShort((short) (ipLen + l4)).putShort((short) 1);
      b.putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0);
    }
    b.put(src).put(dst);
    switch (protocol) {
      case TCP -> {
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0);
        b.put((byte) 0x50).put((byte) 0x02).putShort((short) 64240).putInt(0);
      }
      case UDP ->
          b.putShort((short) sport).putShort((short) dport).putShort((short) 8).putShort((short) 0);
      case SCTP -> {
        // Common header: ports, verification tag, checksum; then one chunk of 20 bytes.
        b.putShort((short) sport).putShort((short) dport).putInt(0x1234).putInt(0);
        b.put((byte) chunkType).put((byte) 0).putShort((short) 20);
        b.putInt(0x5678).putInt(65536).putShort((short) 10).putShort((short) 10).putInt(1);
      }
      default ->
          b.put((byte) dport)
              .put((byte) 0)
              .putShort((short) 0)
              .putShort((short) sport)
              .putShort((short) 1);
    }
    return b.array();
  }
}
