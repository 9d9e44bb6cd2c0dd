package io.palisade.pipeline.model;

import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;

/**
 * An address, port and protocol a pod may connect to that stands for a Service: a ClusterIP, an
 * external IP, or one of this node's addresses with a NodePort. The address is an IP literal, never
 * a name to resolve.
 */
public record ServiceFrontend(String address, int port, Protocol protocol) {

  /**
   * @throws IllegalArgumentException when the address is not an IP literal or the port is not 1 to
   *     65535
   */
  public ServiceFrontend {
    if (protocol == null || !protocol.hasPorts()) {
      throw new IllegalArgumentException("frontend.protocol: TCP, UDP or SCTP is required");
    }
    checkAddress(address, "frontend.address");
    checkPort(port, "frontend.port");
  }

  /** Whether the address is IPv6. */
  public boolean ipv6() {
    return address.contains(":");
  }

  @Override
  public String toString() {
    return (ipv6() ? "[" + address + "]" : address) + ":" + port + "/" + protocol;
  }

  static void checkAddress(String address, String field) {
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException(field + ": an address is required");
    }
    if (CidrPrefix.parseAddress(address).isEmpty()) {
      throw new IllegalArgumentException(field + ": \"" + address + "\" is not an IP address");
    }
  }

  static void checkPort(int port, String field) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(field + ": " + port + " is not a port (1 to 65535)");
    }
  }
}
