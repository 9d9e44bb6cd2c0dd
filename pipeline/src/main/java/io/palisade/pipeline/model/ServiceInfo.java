package io.palisade.pipeline.model;

import java.util.List;
import java.util.Map;

/**
 * A Service ({@code v1}) as the datapath's service translation needs it: its type, cluster IPs
 * ({@code None} for a headless one is no address and left out), ports, external IPs and selector.
 * {@link ServiceFrontends} makes its frontends with the backends of its EndpointSlices. Its own
 * labels are what a policy's {@code toServices k8sServiceSelector} matches.
 */
public record ServiceInfo(
    String namespace,
    String name,
    String type,
    List<String> clusterIPs,
    List<ServicePort> ports,
    List<String> externalIPs,
    Map<String, String> selector,
    Map<String, String> labels) {

  public ServiceInfo {
    clusterIPs = List.copyOf(clusterIPs);
    ports = List.copyOf(ports);
    externalIPs = List.copyOf(externalIPs);
    selector = Map.copyOf(selector);
    labels = Map.copyOf(labels);
  }

  /** {@code namespace/name}. */
  public String id() {
    return namespace + "/" + name;
  }
}
