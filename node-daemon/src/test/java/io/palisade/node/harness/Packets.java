package io.palisade.node.harness;

import java.nio.ByteBuffer;

/** Ethernet frames for BPF_PROG_TEST_RUN: IPv4 or IPv6 with a TCP SYN, UDP, or ICMP echo. */
public final class Packets {

  public static final int TC_ACT_OK = 0;
  public static final int TC_ACT_SHOT = 2;

  private Packets() {}

  /** A 64-byte (or larger, for IPv6) frame from {@code src} to {@code dst}. */
  public static byte[] frame(byte[] src, byte[] dst, int protocol, int sport, int dport) {
    boolean v6 = src.length == 16;
    int l4 = protocol == 17 ? 8 : protocol == 6 ? 20 : 8;
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
      case 6 -> {
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0);
        b.put((byte) 0x50).put((byte) 0x02).putShort((short) 64240).putInt(0);
      }
      case 17 ->
          b.putShort((short) sport).putShort((short) dport).putShort((short) 8).putShort((short) 0);
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
