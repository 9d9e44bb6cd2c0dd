package io.palisade.node.maps;

import io.palisade.policy.identity.CidrPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Addresses in keys: a family byte, then 16 address bytes with IPv4 in the first four. */
final class Addresses {

  private Addresses() {}

  static void write(CidrPrefix prefix, MemorySegment out, long familyOffset, long addrOffset) {
    byte[] a = prefix.address();
    out.set(
        ValueLayout.JAVA_BYTE,
        familyOffset,
        (byte) (a.length == 4 ? Layouts.FAMILY_IPV4 : Layouts.FAMILY_IPV6));
    MemorySegment.copy(a, 0, out, ValueLayout.JAVA_BYTE, addrOffset, a.length);
  }

  static byte[] read(MemorySegment in, long familyOffset, long addrOffset) {
    int family = in.get(ValueLayout.JAVA_BYTE, familyOffset);
    byte[] a = new byte[family == Layouts.FAMILY_IPV4 ? 4 : 16];
    MemorySegment.copy(in, ValueLayout.JAVA_BYTE, addrOffset, a, 0, a.length);
    return a;
  }

  /** An address from 16 key bytes of the given family. */
  static byte[] fromKeyBytes(MemorySegment in, long addrOffset, int family) {
    byte[] a = new byte[family == Layouts.FAMILY_IPV4 ? 4 : 16];
    MemorySegment.copy(in, ValueLayout.JAVA_BYTE, addrOffset, a, 0, a.length);
    return a;
  }
}
