package io.palisade.policy.identity;

import java.util.Arrays;
import java.util.Optional;

/** An IPv4 or IPv6 prefix in canonical form (host bits cleared). */
public record CidrPrefix(byte[] address, int length) implements Comparable<CidrPrefix> {

  public CidrPrefix {
    if (address.length != 4 && address.length != 16) {
      throw new IllegalArgumentException("address must be 4 or 16 bytes");
    }
    if (length < 0 || length > address.length * 8) {
      throw new IllegalArgumentException("prefix length out of range: " + length);
    }
    address = masked(address, length);
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code fd00::/64}, or a bare address as a host prefix, as Cilium's
   * {@code CIDR.sanitize} does with Go's {@code netip} ({@link Netip}). Returns empty for anything
   * else, including host names (never resolved).
   */
  public static Optional<CidrPrefix> parse(String text) {
    try {
      return Optional.of(read(text));
    } catch (Netip.SyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * As {@link #parse}, but says what is wrong: {@code "010.0.0.0/8"} throws "IPv4 field has octet
   * with leading zero".
   */
  public static CidrPrefix read(String text) {
    if (text == null || text.isEmpty()) {
      throw new Netip.SyntaxException("IP must be specified");
    }
    return text.indexOf('/') >= 0 ? Netip.parsePrefix(text) : host(Netip.parseAddr(text));
  }

  /** Parses a literal IPv4 or IPv6 address without any name lookup, as Go's netip does. */
  public static Optional<byte[]> parseAddress(String addr) {
    try {
      return Optional.of(Netip.parseAddr(addr));
    } catch (Netip.SyntaxException e) {
      return Optional.empty();
    }
  }

  /** The host prefix (/32 or /128) of an address. */
  public static CidrPrefix host(byte[] address) {
    return new CidrPrefix(address, address.length * 8);
  }

  public boolean isIpv4() {
    return address.length == 4;
  }

  /** Whether {@code other} lies inside this prefix. */
  public boolean contains(CidrPrefix other) {
    if (other.address.length != address.length || other.length < length) {
      return false;
    }
    byte[] cut = masked(other.address, length);
    return Arrays.equals(cut, address);
  }

  public boolean containsAddress(byte[] addr) {
    return contains(host(addr));
  }

  private static byte[] masked(byte[] address, int length) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, length - i * 8));
      out[i] &= (byte) (0xFF << (8 - bits));
    }
    return out;
  }

  /**
   * Cilium's label form ({@code maskedIPToLabel}): IPv6 colons become dashes, and since a selector
   * key may not start or end with a dash, a zero goes before a leading one and after a trailing one
   * ({@code ::1/128} is {@code 0--1/128}, {@code fd00::/64} is {@code fd00--0/64}).
   */
  public String labelKey() {
    String a = Netip.format(address);
    if (a.indexOf(':') < 0) {
      return a + "/" + length;
    }
    return (a.startsWith(":") ? "0" : "")
        + a.replace(':', '-')
        + (a.endsWith(":") ? "0" : "")
        + "/"
        + length;
  }

  public static Optional<CidrPrefix> fromLabelKey(String key) {
    return parse(key.replace('-', ':')); // an IPv4 text has no dash to change
  }

  @Override
  public int compareTo(CidrPrefix o) {
    int c = Integer.compare(address.length, o.address.length);
    if (c == 0) {
      // Big-endian arrays of one length: unsigned byte order is numeric order, with no BigInteger.
      c = Arrays.compareUnsigned(address, o.address);
    }
    return c == 0 ? Integer.compare(length, o.length) : c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CidrPrefix p && p.length == length && Arrays.equals(p.address, address);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(address) * 31 + length;
  }

  /** Go's {@code Prefix.String}, as Cilium writes prefixes: {@code fd00::1/128}. */
  @Override
  public String toString() {
    return Netip.format(address) + "/" + length;
  }
}
