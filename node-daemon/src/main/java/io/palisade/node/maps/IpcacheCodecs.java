package io.palisade.node.maps;

import io.palisade.policy.identity.CidrPrefix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/** The two ipcache maps: host address to identity (hash) and CIDR to identity (LPM trie). */
public final class IpcacheCodecs {

  private IpcacheCodecs() {}

  private static final long IDENTITY = Layouts.offset(Layouts.IDENTITY_VALUE, "identity");

  private static void writeIdentity(Long identity, MemorySegment out) {
    out.fill((byte) 0);
    out.set(ValueLayout.JAVA_INT, IDENTITY, (int) (long) identity);
  }

  private static Long readIdentity(MemorySegment in) {
    return Integer.toUnsignedLong(in.get(ValueLayout.JAVA_INT, IDENTITY));
  }

  /** {@code pal_ipcache}: pod and node addresses. */
  public static final MapCodec<CidrPrefix, Long> HOSTS =
      new HostCodec<>() {
        @Override
        public StructLayout valueLayout() {
          return Layouts.IDENTITY_VALUE;
        }

        @Override
        public void writeValue(Long identity, MemorySegment out) {
          writeIdentity(identity, out);
        }

        @Override
        public Long readValue(MemorySegment in) {
          return readIdentity(in);
        }
      };

  /** {@code pal_ipcache_lpm}: CIDR identities. */
  public static final MapCodec<CidrPrefix, Long> CIDRS =
      new MapCodec<>() {
        private static final long PREFIXLEN = Layouts.offset(Layouts.IPCACHE_LPM_KEY, "prefixlen");
        private static final long FAMILY = Layouts.offset(Layouts.IPCACHE_LPM_KEY, "family");
        private static final long ADDR = Layouts.offset(Layouts.IPCACHE_LPM_KEY, "addr");

        @Override
        public StructLayout keyLayout() {
          return Layouts.IPCACHE_LPM_KEY;
        }

        @Override
        public StructLayout valueLayout() {
          return Layouts.IDENTITY_VALUE;
        }

        @Override
        public void writeKey(CidrPrefix prefix, MemorySegment out) {
          out.fill((byte) 0);
          out.set(ValueLayout.JAVA_INT, PREFIXLEN, Layouts.IPCACHE_STATIC_PREFIX + prefix.length());
          Addresses.write(prefix, out, FAMILY, ADDR);
        }

        @Override
        public CidrPrefix readKey(MemorySegment in) {
          int len = in.get(ValueLayout.JAVA_INT, PREFIXLEN) - Layouts.IPCACHE_STATIC_PREFIX;
          return new CidrPrefix(Addresses.read(in, FAMILY, ADDR), len);
        }

        @Override
        public void writeValue(Long identity, MemorySegment out) {
          writeIdentity(identity, out);
        }

        @Override
        public Long readValue(MemorySegment in) {
          return readIdentity(in);
        }
      };
}
