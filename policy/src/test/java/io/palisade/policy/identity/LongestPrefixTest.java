package io.palisade.policy.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An address's identity is that of the longest prefix holding it, as a scan of all would find. */
class LongestPrefixTest {

  @Test
  void findsWhatAScanOfEveryPrefixFinds() {
    Random random = new Random(5);
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    for (int i = 0; i < 3_000; i++) {
      ipcache.put(new CidrPrefix(address(random), lengthFor(random)), (long) i);
    }
    ipcache.put(CidrPrefix.read("0.0.0.0/0"), 2L);

    for (int i = 0; i < 20_000; i++) {
      byte[] a = address(random);
      assertThat(LongestPrefix.identity(ipcache, a))
          .as("%s", CidrPrefix.host(a))
          .isEqualTo(scan(ipcache, a));
    }
    assertThat(LongestPrefix.identity(ipcache, CidrPrefix.read("11.0.0.1").address())).hasValue(2L);
    assertThat(LongestPrefix.identity(Map.of(), CidrPrefix.read("10.0.0.1").address())).isEmpty();
  }

  @Test
  void anIpv6AddressIsNeverHeldByAnIpv4Prefix() {
    Map<CidrPrefix, Long> ipcache =
        Map.of(CidrPrefix.read("0.0.0.0/0"), 2L, CidrPrefix.read("fd00::/8"), 9L);
    assertThat(LongestPrefix.identity(ipcache, CidrPrefix.read("fd00::1").address())).hasValue(9L);
    assertThat(LongestPrefix.identity(ipcache, CidrPrefix.read("2001:db8::1").address())).isEmpty();
  }

  private static OptionalLong scan(Map<CidrPrefix, Long> ipcache, byte[] address) {
    CidrPrefix best = null;
    for (CidrPrefix p : ipcache.keySet()) {
      if (p.containsAddress(address) && (best == null || p.length() > best.length())) {
        best = p;
      }
    }
    return best == null ? OptionalLong.empty() : OptionalLong.of(ipcache.get(best));
  }

  /** Few distinct addresses, so that prefixes nest and overlap. */
  private static byte[] address(Random random) {
    if (random.nextInt(5) == 0) {
      byte[] a = new byte[16];
      a[0] = (byte) 0xFD;
      a[1] = (byte) random.nextInt(4);
      a[15] = (byte) random.nextInt(16);
      return a;
    }
    return new byte[] {
      10, (byte) random.nextInt(4), (byte) random.nextInt(4), (byte) random.nextInt(64)
    };
  }

  private static int lengthFor(Random random) {
    int[] lengths = {8, 12, 16, 20, 24, 26, 30, 32, 32, 32};
    return lengths[random.nextInt(lengths.length)];
  }
}
