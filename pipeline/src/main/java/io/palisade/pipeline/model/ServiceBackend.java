package io.palisade.pipeline.model;

/** A ready endpoint behind a Service frontend: a pod (or other) address and its target port. */
public record ServiceBackend(String address, int port) {

  /**
   * @throws IllegalArgumentException when the address is not an IP literal or the port is not 1 to
   *     65535
   */
  public ServiceBackend {
    ServiceFrontend.checkAddress(address, "backend.address");
    ServiceFrontend.checkPort(port, "backend.port");
  }

  public boolean ipv6() {
    return address.contains(":");
  }

  @Override
  public String toString() {
    return (ipv6() ? "[" + address + "]" : address) + ":" + port;
  }
}
