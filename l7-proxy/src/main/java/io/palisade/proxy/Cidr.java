package io.palisade.proxy;

import io.envoyproxy.envoy.config.core.v3.CidrRange;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address prefix of Envoy's {@code CidrRange}, matched on raw address bytes. */
record Cidr(byte[] prefix, int length) {

  static Cidr of(CidrRange range, String path, Problems problems) {
    String text = range.getAddressPrefix();
    if (!text.matches("[0-9a-fA-F.:]+")) {
      problems.add(path + ".address_prefix", "\"" + text + "\" is not an IP address");
      return null;
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      problems.add(path + ".address_prefix", "\"" + text + "\" is not an IP address");
      return null;
    }
    int len = range.hasPrefixLen() ? range.getPrefixLen().getValue() : bytes.length * 8;
    if (len > bytes.length * 8) {
      problems.add(path + ".prefix_len", len + " is longer than the address");
      return null;
    }
    return new Cidr(bytes, len);
  }

  boolean contains(InetAddress address) {
    byte[] a = plain(address).getAddress();
    if (a.length != prefix.length) {
      return false;
    }
    int full = length / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    int rest = length % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (prefix[full] & mask);
  }

  /**
   * An IPv4 client of a dual-stack socket appears as {@code ::ffff:a.b.c.d}; policies name it by
   * its IPv4 address.
   */
  static InetAddress plain(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return address;
  }
}
