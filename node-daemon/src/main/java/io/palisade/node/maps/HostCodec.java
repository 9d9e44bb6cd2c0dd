package io.palisade.node.maps;

import io.palisade.policy.identity.CidrPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/** Exact addresses ({@code struct pal_addr_key}) to a value: the ipcache hash and endpoints. */
abstract class HostCodec<V> implements MapCodec<CidrPrefix, V> {

  private static final long FAMILY = Layouts.offset(Layouts.ADDR_KEY, "family");
  private static final long ADDR = Layouts.offset(Layouts.ADDR_KEY, "addr");

  @Override
  public StructLayout keyLayout() {
    return Layouts.ADDR_KEY;
  }

  @Override
  public void writeKey(CidrPrefix host, MemorySegment out) {
    if (host.length() != host.address().length * 8) {
      throw new IllegalArgumentException("not a host address: " + host);
    }
    out.fill((byte) 0);
    Addresses.write(host, out, FAMILY, ADDR);
  }

  @Override
  public CidrPrefix readKey(MemorySegment in) {
    return CidrPrefix.host(Addresses.read(in, FAMILY, ADDR));
  }
}
