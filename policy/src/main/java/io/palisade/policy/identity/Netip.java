package io.palisade.policy.identity;

import java.util.Arrays;

/**
 * IP addresses and prefixes read by the rules of Go's {@code net/netip} ({@code ParseAddr}, {@code
 * ParsePrefix}), which Cilium uses, so that Palisade accepts exactly what Cilium does: IPv4 as four
 * decimal octets without leading zeros ({@code 010.0.0.0} is refused, not read as octal or as ten),
 * IPv6 with at most one {@code ::} and an optional trailing dotted IPv4 (an IPv4-mapped address
 * stays an IPv6 address, as in Go), a prefix length of decimal digits without sign or leading zero.
 * Unlike {@code ParseAddr}, a zone ({@code fe80::1%eth0}) is refused: a policy names no interfaces.
 * Each problem carries Go's own wording.
 */
public final class Netip {

  private Netip() {}

  /** A text that is not an address or prefix; the message says why, in Go's words. */
  public static final class SyntaxException extends IllegalArgumentException {
    SyntaxException(String message) {
      super(message);
    }
  }

  /** {@code ParsePrefix}: an address, '/', and a prefix length. */
  public static CidrPrefix parsePrefix(String s) {
    int slash = s.lastIndexOf('/');
    if (slash < 0) {
      throw new SyntaxException("no '/'");
    }
    byte[] address = parseAddr(s.substring(0, slash));
    String bits = s.substring(slash + 1);
    // Go's strconv.Atoi would take a sign and leading zeros; ParsePrefix does not.
    if (bits.isEmpty()
        || bits.length() > 3
        || (bits.length() > 1 && (bits.charAt(0) < '1' || bits.charAt(0) > '9'))
        || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new SyntaxException("bad bits after slash: \"" + bits + "\"");
    }
    int length = Integer.parseInt(bits);
    if (length > address.length * 8) {
      throw new SyntaxException("prefix length out of range");
    }
    return new CidrPrefix(address, length);
  }

  /**
   * {@code Addr.String}: dotted IPv4; IPv6 in RFC 5952's form (lower-case hex without leading
   * zeros, the longest run of two or more zero fields as {@code ::}, the first of equal runs), an
   * IPv4-mapped address as {@code ::ffff:} and its IPv4 text. Cilium's CIDR labels and prefixes are
   * this text, so Palisade's must be too.
   */
  public static String format(byte[] address) {
    if (address.length == 4) {
      return (address[0] & 0xFF)
          + "."
          + (address[1] & 0xFF)
          + "."
          + (address[2] & 0xFF)
          + "."
          + (address[3] & 0xFF);
    }
    if (address.length != 16) {
      throw new IllegalArgumentException("address must be 4 or 16 bytes");
    }
    int[] field = new int[8];
    for (int i = 0; i < 8; i++) {
      field[i] = (address[2 * i] & 0xFF) << 8 | address[2 * i + 1] & 0xFF;
    }
    if (field[0] == 0
        && field[1] == 0
        && field[2] == 0
        && field[3] == 0
        && field[4] == 0
        && field[5] == 0xFFFF) {
      return "::ffff:" + format(Arrays.copyOfRange(address, 12, 16));
    }
    int runStart = -1;
    int runLength = 1; // a single zero field is written as 0, not ::
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && field[j] == 0) {
        j++;
      }
      if (j - i > runLength) {
        runStart = i;
        runLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == runStart) {
        out.append("::");
        i += runLength - 1;
        continue;
      }
      if (i > 0 && i != runStart + runLength) {
        out.append(':');
      }
      out.append(Integer.toHexString(field[i]));
    }
    return out.toString();
  }

  /** {@code ParseAddr} without zones: 4 bytes for IPv4, 16 for IPv6. */
  public static byte[] parseAddr(String s) {
    for (int i = 0; i < s.length(); i++) {
      switch (s.charAt(i)) {
        case '.' -> {
          byte[] out = new byte[4];
          parseIpv4(s, 0, s.length(), out, 0);
          return out;
        }
        case ':' -> {
          return parseIpv6(s);
        }
        case '%' -> throw new SyntaxException("missing IPv6 address");
        default -> {}
      }
    }
    throw new SyntaxException("unable to parse IP");
  }

  private static void parseIpv4(String in, int from, int to, byte[] out, int at) {
    int value = 0;
    int digits = 0;
    int field = 0;
    for (int i = from; i < to; i++) {
      char c = in.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && value == 0) {
          throw new SyntaxException("IPv4 field has octet with leading zero");
        }
        value = value * 10 + (c - '0');
        digits++;
        if (value > 255) {
          throw new SyntaxException("IPv4 field has value >255");
        }
      } else if (c == '.') {
        if (i == from || i == to - 1 || in.charAt(i - 1) == '.') {
          throw new SyntaxException("IPv4 field must have at least one digit");
        }
        if (field == 3) {
          throw new SyntaxException("IPv4 address too long");
        }
        out[at + field++] = (byte) value;
        value = 0;
        digits = 0;
      } else {
        throw new SyntaxException("unexpected character");
      }
    }
    if (field < 3) {
      throw new SyntaxException("IPv4 address too short");
    }
    out[at + 3] = (byte) value;
  }

  /** Go's {@code parseIPv6}, step for step, with zones refused. */
  private static byte[] parseIpv6(String in) {
    if (in.indexOf('%') >= 0) {
      throw new SyntaxException(
          "an IPv6 zone (" + in.substring(in.indexOf('%')) + ") is not allowed");
    }
    byte[] ip = new byte[16];
    int ellipsis = -1;
    int pos = 0;
    if (in.startsWith("::")) {
      ellipsis = 0;
      pos = 2;
      if (pos == in.length()) {
        return ip;
      }
    }
    int i = 0;
    while (i < 16) {
      int off = 0;
      int acc = 0;
      for (; pos + off < in.length(); off++) {
        int d = Character.digit(in.charAt(pos + off), 16);
        if (d < 0 || in.charAt(pos + off) > 'f') {
          break;
        }
        if (off > 3) {
          throw new SyntaxException("each group must have 4 or less digits");
        }
        acc = (acc << 4) + d;
      }
      if (off == 0) {
        throw new SyntaxException("each colon-separated field must have at least one digit");
      }
      if (pos + off < in.length() && in.charAt(pos + off) == '.') {
        if (ellipsis < 0 && i != 12) {
          throw new SyntaxException(
              "embedded IPv4 address must replace the final 2 fields of the address");
        }
        if (i + 4 > 16) {
          throw new SyntaxException(
              "too many hex fields to fit an embedded IPv4 at the end of the address");
        }
        parseIpv4(in, pos, in.length(), ip, i);
        pos = in.length();
        i += 4;
        break;
      }
      ip[i] = (byte) (acc >> 8);
      ip[i + 1] = (byte) acc;
      i += 2;
      pos += off;
      if (pos == in.length()) {
        break;
      }
      if (in.charAt(pos) != ':') {
        throw new SyntaxException("unexpected character, want colon");
      } else if (pos + 1 == in.length()) {
        throw new SyntaxException("colon must be followed by more characters");
      }
      pos++;
      if (in.charAt(pos) == ':') {
        if (ellipsis >= 0) {
          throw new SyntaxException("multiple :: in address");
        }
        ellipsis = i;
        pos++;
        if (pos == in.length()) {
          break;
        }
      }
    }
    if (pos != in.length()) {
      throw new SyntaxException("trailing garbage after address");
    }
    if (i < 16) {
      if (ellipsis < 0) {
        throw new SyntaxException("address string too short");
      }
      int n = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        ip[j + n] = ip[j];
      }
      Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
    } else if (ellipsis >= 0) {
      throw new SyntaxException("the :: must expand to at least one field of zeros");
    }
    return ip;
  }
}
