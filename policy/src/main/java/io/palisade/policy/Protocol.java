package io.palisade.policy;

import java.util.Locale;
import java.util.Optional;

/** IP protocols that policies name, with their IANA numbers as the datapath sees them. */
public enum Protocol {
  ANY(0),
  ICMP(1),
  TCP(6),
  UDP(17),
  ICMPV6(58),
  SCTP(132);

  private final int number;

  Protocol(int number) {
    this.number = number;
  }

  /** The IANA protocol number; 0 stands for any protocol. */
  public int number() {
    return number;
  }

  /** Whether packets of this protocol carry ports (ICMP carries its type in the port slot). */
  public boolean hasPorts() {
    return this == TCP || this == UDP || this == SCTP;
  }

  public static Optional<Protocol> ofNumber(int number) {
    for (Protocol p : values()) {
      if (p.number == number) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Parses a name as written in policies and on the command line, case-insensitively. */
  public static Optional<Protocol> parse(String name) {
    try {
      return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
