package io.palisade.node.harness;

/** A probe: from a pod to a pod or an address, over a protocol and port (ICMP: echo). */
public record Flow(String from, String to, String protocol, int port) {

  public static Flow tcp(String from, String to, int port) {
    return new Flow(from, to, "TCP", port);
  }

  public static Flow udp(String from, String to, int port) {
    return new Flow(from, to, "UDP", port);
  }

  public static Flow icmp(String from, String to) {
    return new Flow(from, to, "ICMP", 0);
  }

  @Override
  public String toString() {
    return from + " -> " + to + " " + protocol + (port == 0 ? "" : "/" + port);
  }
}
