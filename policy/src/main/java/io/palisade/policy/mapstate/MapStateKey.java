package io.palisade.policy.mapstate;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;

/**
 * A MapState key: direction, peer identity (0 = any peer), protocol (0 = any) and a port prefix.
 * {@code portPrefixBits} says how many leading bits of {@code port} are significant: 16 for one
 * port, 0 for every port of the protocol. A key for any protocol always has zero port bits.
 *
 * <p>The layout mirrors the datapath's policy map key: an LPM over protocol then port, behind an
 * exact identity and direction.
 */
public record MapStateKey(
    Direction direction, long identity, int protocol, int port, int portPrefixBits) {

  public static final long ANY_IDENTITY = 0;

  public MapStateKey {
    if (portPrefixBits < 0 || portPrefixBits > 16) {
      throw new IllegalArgumentException("portPrefixBits out of range: " + portPrefixBits);
    }
    if (protocol == 0 && (portPrefixBits != 0 || port != 0)) {
      throw new IllegalArgumentException("a key for any protocol cannot name a port");
    }
    if (protocol < 0 || protocol > 255 || port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("protocol or port out of range");
    }
    port = port & mask(portPrefixBits);
  }

  /** Every protocol and port from (or to) {@code identity}. */
  public static MapStateKey allPorts(Direction direction, long identity) {
    return new MapStateKey(direction, identity, 0, 0, 0);
  }

  /** Every port of one protocol. */
  public static MapStateKey protocol(Direction direction, long identity, Protocol protocol) {
    return new MapStateKey(direction, identity, protocol.number(), 0, 0);
  }

  /** One port of one protocol. */
  public static MapStateKey port(Direction direction, long identity, Protocol protocol, int port) {
    return new MapStateKey(direction, identity, protocol.number(), port, 16);
  }

  /** The length of the LPM prefix over (protocol, port): 0, 8, or 8 plus the port bits. */
  public int prefixLength() {
    return protocol == 0 ? 0 : 8 + portPrefixBits;
  }

  /** Whether this key matches a packet of {@code protocol} to {@code port}. */
  public boolean matches(int protocol, int port) {
    if (this.protocol == 0) {
      return true;
    }
    return this.protocol == protocol && (port & mask(portPrefixBits)) == this.port;
  }

  /**
   * Whether every packet this key matches is also matched by {@code other}'s identity-less part.
   */
  public boolean isWithin(MapStateKey other) {
    return direction == other.direction
        && prefixLength() >= other.prefixLength()
        && other.matches(protocol, port);
  }

  /** The same protocol and port prefix for another peer identity. */
  public MapStateKey withIdentity(long identity) {
    return new MapStateKey(direction, identity, protocol, port, portPrefixBits);
  }

  /** The lowest and highest port this key covers. */
  public int firstPort() {
    return port;
  }

  public int lastPort() {
    return protocol == 0 ? 0xFFFF : port | (~mask(portPrefixBits) & 0xFFFF);
  }

  // Written out rather than left to the record: keys are compared and hashed in every insert, and
  // the generated methods go through a method handle per component.
  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof MapStateKey k
            && identity == k.identity
            && port == k.port
            && protocol == k.protocol
            && portPrefixBits == k.portPrefixBits
            && direction == k.direction);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(identity);
    h = 31 * h + direction.ordinal();
    h = 31 * h + protocol;
    h = 31 * h + port;
    return 31 * h + portPrefixBits;
  }

  static int mask(int bits) {
    return bits == 0 ? 0 : (0xFFFF << (16 - bits)) & 0xFFFF;
  }

  @Override
  public String toString() {
    String proto =
        protocol == 0
            ? "any"
            : Protocol.ofNumber(protocol).map(Enum::name).orElse(Integer.toString(protocol));
    String ports =
        protocol == 0 || portPrefixBits == 0
            ? ""
            : portPrefixBits == 16 ? "/" + port : "/" + firstPort() + "-" + lastPort();
    return direction.lowerName() + " " + identity + " " + proto + ports;
  }
}
