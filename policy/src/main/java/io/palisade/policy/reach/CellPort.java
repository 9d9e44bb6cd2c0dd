package io.palisade.policy.reach;

import io.palisade.policy.Protocol;

/** A port of the matrix: a protocol and a port number ({@code 80/TCP}; an ICMP type for ICMP). */
public record CellPort(Protocol protocol, int port) implements Comparable<CellPort> {

  @Override
  public int compareTo(CellPort o) {
    int c = Integer.compare(port, o.port);
    return c != 0 ? c : protocol.compareTo(o.protocol);
  }

  @Override
  public String toString() {
    return port + "/" + protocol;
  }
}
