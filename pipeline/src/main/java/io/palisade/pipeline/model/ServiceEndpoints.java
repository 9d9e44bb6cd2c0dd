package io.palisade.pipeline.model;

import io.palisade.policy.Protocol;
import java.util.List;
import java.util.Optional;

/**
 * One EndpointSlice ({@code discovery.k8s.io/v1}): the Service it belongs to (its {@code
 * kubernetes.io/service-name} label; empty for a slice no Service owns), its address type, its
 * endpoints and its ports.
 */
public record ServiceEndpoints(
    String namespace,
    String name,
    Optional<String> serviceName,
    String addressType,
    List<Endpoint> endpoints,
    List<EndpointPort> ports) {

  /** The label that names a slice's Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  public ServiceEndpoints {
    endpoints = List.copyOf(endpoints);
    ports = List.copyOf(ports);
  }

  /**
   * One endpoint: its addresses and its conditions, with Kubernetes' reading of an absent one
   * ({@code ready} and {@code serving} true, {@code terminating} false).
   */
  public record Endpoint(
      List<String> addresses,
      boolean ready,
      boolean serving,
      boolean terminating,
      Optional<String> nodeName) {

    public Endpoint {
      addresses = List.copyOf(addresses);
    }

    /** Whether new connections may go to it: ready and not terminating. */
    public boolean takesTraffic() {
      return ready && !terminating;
    }
  }

  /**
   * A port of the slice: the name of the Service port it serves ({@code ""} for an unnamed one),
   * its protocol and number; 0 when the slice leaves it out, which Kubernetes reads as every port.
   */
  public record EndpointPort(String name, Protocol protocol, int port) {}

  /** {@code namespace/name}. */
  public String id() {
    return namespace + "/" + name;
  }

  /** Whether the slice belongs to the Service {@code namespace/name}. */
  public boolean serves(String namespace, String service) {
    return this.namespace.equals(namespace) && serviceName.map(service::equals).orElse(false);
  }
}
