package io.palisade.demo;

import java.net.Inet4Address;
import java.net.InetAddress;

/** An IPv4 address and a port, as the demo's command lines write them: {@code ADDRESS:PORT}. */
record Endpoint(String address, int port) {

  /**
   * The endpoint {@code text} says.
   *
   * @throws IllegalArgumentException naming {@code field} and the text when it is not one
   */
  static Endpoint parse(String field, String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(field + ": \"" + text + "\" has no :PORT");
    }
    String address = address(field, text.substring(0, colon));
    String port = text.substring(colon + 1);
    if (!port.matches("[0-9]{1,5}")
        || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException(
          field + ": \"" + port + "\" in \"" + text + "\" is not a port (1-65535)");
    }
    return new Endpoint(address, Integer.parseInt(port));
  }

  /**
   * {@code text} when it is an IPv4 literal: the pods of the demo have IPv4 addresses only, and a
   * name would be looked up outside the pod's resolver.
   *
   * @throws IllegalArgumentException naming {@code field} and the text otherwise
   */
  static String address(String field, String text) {
    try {
      if (InetAddress.ofLiteral(text) instanceof Inet4Address) {
        return text;
      }
    } catch (IllegalArgumentException e) {
      // reported below, with the field
    }
    throw new IllegalArgumentException(field + ": \"" + text + "\" is not an IPv4 address");
  }

  @Override
  public String toString() {
    return address + ":" + port;
  }
}
