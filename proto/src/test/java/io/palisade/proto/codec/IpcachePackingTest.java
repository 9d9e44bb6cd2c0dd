package io.palisade.proto.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.proto.nodestate.v1.IpcacheEntry;
import io.palisade.proto.nodestate.v1.PackedIpcache;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The packed shared ipcache gives back every entry, is small, and refuses what is malformed. */
class IpcachePackingTest {

  @Test
  void everyFamilyAndLengthComesBackAsItWent() {
    Map<String, Long> ipcache = new HashMap<>();
    ipcache.put("10.0.0.7/32", 1234L);
    ipcache.put("10.0.0.8/32", 1234L);
    ipcache.put("0.0.0.0/0", 2L);
    ipcache.put("192.168.0.0/16", 16777217L);
    ipcache.put("255.255.255.255/32", 7L);
    ipcache.put("fd00::1/128", 99L);
    ipcache.put("fd00::2/128", 99L);
    ipcache.put("fd00:1::/64", 5L);
    ipcache.put("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", Long.MAX_VALUE);
    ipcache.put("::/0", 2L);

    PackedIpcache packed = IpcachePacking.pack(42, ipcache);

    assertThat(packed.getVersion()).isEqualTo(42);
    assertThat(packed.getEntries()).isEqualTo(ipcache.size());
    Map<CidrPrefix, Long> want = new HashMap<>();
    ipcache.forEach((p, id) -> want.put(CidrPrefix.read(p), id));
    assertThat(IpcachePacking.unpack(packed)).isEqualTo(want);
  }

  @Test
  void thirtyThousandPodsTakeAFractionOfTheirTextForm() {
    Random random = new Random(1);
    Map<String, Long> ipcache = new HashMap<>();
    for (int node = 0; node < 1000; node++) {
      for (int pod = 0; pod < 30; pod++) {
        ipcache.put(
            "10." + (node >> 8) + "." + (node & 0xFF) + "." + (pod + 2) + "/32",
            256L + random.nextInt(6000));
      }
    }
    Snapshot.Builder text = Snapshot.newBuilder();
    ipcache.forEach(
        (p, id) -> text.addIpcache(IpcacheEntry.newBuilder().setPrefix(p).setIdentity(id)));

    PackedIpcache packed = IpcachePacking.pack(1, ipcache);

    int textBytes = text.build().getSerializedSize();
    int packedBytes = packed.getSerializedSize();
    System.out.printf(
        "30,000 /32 entries: %d bytes as text entries, %d packed (%.1f bytes an entry)%n",
        textBytes, packedBytes, packedBytes / 30_000.0);
    assertThat(packedBytes).isLessThan(textBytes / 8);
    assertThat(IpcachePacking.unpack(packed)).hasSize(30_000);
  }

  @Test
  void anEntryTwiceIsRefused() {
    // family 4, /32, two entries: 10.0.0.1 then a zero difference (the same address again)
    byte[] raw = {4, 32, 2, (byte) 0x81, (byte) 0x80, (byte) 0x80, 0x50, 7, 0, 7};
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(2, raw)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("snapshot.packed_ipcache")
        .hasMessageContaining("out of order");
  }

  @Test
  void malformedValuesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(1, new byte[] {5, 32, 1, 1, 1})))
        .hasMessage("snapshot.packed_ipcache: a group of family 5 (4 or 6)");
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(1, new byte[] {4, 33, 1, 1, 1})))
        .hasMessage("snapshot.packed_ipcache: prefix length 33 in a group of IPv4");
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(3, new byte[] {4, 32, 1, 1, 1})))
        .hasMessage("snapshot.packed_ipcache: holds 1 entries, not the 3 it says");
    assertThatThrownBy(
            () -> IpcachePacking.unpack(packed(1, new byte[] {4, 32, 1, 1, (byte) 0x81})))
        .hasMessage("snapshot.packed_ipcache: the entries end inside a number");
    // 10.0.0.1/24 has host bits: the packer never writes it.
    assertThatThrownBy(
            () ->
                IpcachePacking.unpack(
                    packed(
                        1, new byte[] {4, 24, 1, (byte) 0x81, (byte) 0x80, (byte) 0x80, 0x50, 1})))
        .hasMessageContaining("host bits");
    assertThatThrownBy(
            () ->
                IpcachePacking.unpack(
                    PackedIpcache.newBuilder()
                        .setEntries(1)
                        .setDeflated(ByteString.copyFromUtf8("not zlib"))
                        .build()))
        .hasMessageStartingWith("snapshot.packed_ipcache: the entries are not DEFLATE data");
    assertThatThrownBy(
            () -> IpcachePacking.unpack(PackedIpcache.newBuilder().setEntries(-1).build()))
        .hasMessageContaining("more than the 4000000");
  }

  @Test
  void aGroupLargerThanItsBytesIsRefusedBeforeItsArraysAreMade() {
    // 4,000,000 entries said, and a group of as many, in three bytes.
    byte[] raw = {4, 32, (byte) 0x80, (byte) 0x92, (byte) 0xF4, 0x01, 1, 7};
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(4_000_000, raw)))
        .hasMessage("snapshot.packed_ipcache: a group of 4000000 entries in the 2 bytes left");
  }

  @Test
  void aGroupTwiceOrOutOfOrderIsRefused() {
    // Two groups of IPv4 /32, each of one entry: the packer writes one group per kind.
    byte[] twice = {4, 32, 1, 1, 7, 4, 32, 1, 2, 7};
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(2, twice)))
        .hasMessage("snapshot.packed_ipcache: a group of IPv4 /32 out of order at entry 1");
    // IPv4 /32 before IPv4 /8: shorter prefixes come first.
    byte[] longerFirst = {4, 32, 1, 1, 7, 4, 8, 1, 0, 7};
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(2, longerFirst)))
        .hasMessageContaining("a group of IPv4 /8 out of order");
  }

  @Test
  void anIpv6PrefixWithHostBitsIsRefusedAtEitherHalf() {
    // fd00::/8 written as fd01::: a host bit in the high word.
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(1, v6(8, 0xFD01L << 48, 0))))
        .hasMessage("snapshot.packed_ipcache: fd01::/8 written with host bits set at entry 0");
    // fd00::/64 with a low word: host bits past the first 64.
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(1, v6(64, 0xFD00L << 48, 1))))
        .hasMessageContaining("written with host bits set");
    // fd00::1/127: the last bit is a host bit.
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(1, v6(127, 0xFD00L << 48, 1))))
        .hasMessageContaining("written with host bits set");
    // fd00::/128 and fd00::2/127 are prefixes the packer writes.
    assertThat(IpcachePacking.unpack(packed(1, v6(128, 0xFD00L << 48, 1))))
        .containsEntry(CidrPrefix.read("fd00::1/128"), 9L);
    assertThat(IpcachePacking.unpack(packed(1, v6(127, 0xFD00L << 48, 2))))
        .containsEntry(CidrPrefix.read("fd00::2/127"), 9L);
  }

  /** One IPv6 group of one entry, identity 9, as the packer lays it out before compression. */
  private static byte[] v6(int length, long hi, long lo) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long v : new long[] {6, length, 1, hi, lo, 9}) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
    return out.toByteArray();
  }

  @Test
  void aSmallMessageThatInflatesBeyondItsEntriesIsRefused() {
    // A megabyte of zeros compresses to about a kilobyte, but one entry takes at most 30 bytes.
    assertThatThrownBy(() -> IpcachePacking.unpack(packed(1, new byte[1 << 20])))
        .hasMessageContaining("inflates to more than");
  }

  private static PackedIpcache packed(int entries, byte[] raw) {
    Deflater d = new Deflater();
    d.setInput(raw);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return PackedIpcache.newBuilder()
        .setEntries(entries)
        .setDeflated(ByteString.copyFrom(out.toByteArray()))
        .build();
  }
}
