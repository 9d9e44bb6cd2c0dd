package io.palisade.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * An address to listen on, from a command-line option: an IP literal only, never a name, since a
 * name's lookup could make a loopback-only endpoint listen wider than the user wrote.
 */
public final class ListenAddress {

  /** Where status and metrics listen unless told otherwise. */
  public static final String LOOPBACK = "127.0.0.1";

  private ListenAddress() {}

  /**
   * {@code address} and {@code port} as a socket address; throws with one line naming {@code
   * option} when the address is not an IP literal (or the port when it is out of range).
   */
  public static InetSocketAddress parse(String option, String address, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not 0-65535");
    }
    String literal =
        address.startsWith("[") && address.endsWith("]")
            ? address.substring(1, address.length() - 1)
            : address;
    try {
      return new InetSocketAddress(InetAddress.ofLiteral(literal), port);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          option
              + " "
              + address
              + ": expected an IP address (127.0.0.1 for this host only, 0.0.0.0 or :: for every"
              + " address)");
    }
  }
}
