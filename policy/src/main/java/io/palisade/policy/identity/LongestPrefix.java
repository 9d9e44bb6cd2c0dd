package io.palisade.policy.identity;

import java.util.Map;
import java.util.OptionalLong;

/**
 * The identity of an address as the datapath's lookup finds it: that of the longest ipcache prefix
 * holding it.
 */
public final class LongestPrefix {

  private LongestPrefix() {}

  /**
   * The identity of the longest prefix of {@code ipcache} holding {@code address} (4 or 16 bytes);
   * empty when none does. One lookup per prefix length, from the host's down (at most 33 for IPv4,
   * 129 for IPv6): no index to build for every revision, and no scan of 30,000 prefixes per query.
   */
  public static OptionalLong identity(Map<CidrPrefix, Long> ipcache, byte[] address) {
    for (int length = address.length * 8; length >= 0; length--) {
      Long id = ipcache.get(new CidrPrefix(address, length));
      if (id != null) {
        return OptionalLong.of(id);
      }
    }
    return OptionalLong.empty();
  }
}
