package io.palisade.pipeline.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Service ({@code v1}) as the datapath's service translation needs it: its type, cluster IPs
 * ({@code None} for a headless one is no address and left out), ports, external IPs and selector.
 */
public record ServiceInfo(
    String namespace,
    String name,
    String type,
    List<String> clusterIPs,
    List<ServicePort> ports,
    List<String> externalIPs,
    Map<String, String> selector) {

  public ServiceInfo {
    clusterIPs = List.copyOf(clusterIPs);
    ports = List.copyOf(ports);
    externalIPs = List.copyOf(externalIPs);
    selector = Map.copyOf(selector);
  }

  /** {@code namespace/name}. */
  public String id() {
    return namespace + "/" + name;
  }

  /**
   * For each port of the Service, in its order, the backends new connections may go to: each
   * address of each ready, non-terminating endpoint of the Service's slices, at the slice port of
   * the same name and protocol. A slice port without a number (every port, in Kubernetes' words)
   * gives no backend: there is no port to translate to.
   */
  public Map<ServicePort, List<Backend>> backends(Collection<ServiceEndpoints> slices) {
    Map<ServicePort, List<Backend>> out = new LinkedHashMap<>();
    for (ServicePort sp : ports) {
      List<Backend> backends = new ArrayList<>();
      for (ServiceEndpoints slice : slices) {
        if (!slice.serves(namespace, name)) {
          continue;
        }
        for (ServiceEndpoints.EndpointPort ep : slice.ports()) {
          if (ep.port() == 0 || !ep.name().equals(sp.name()) || ep.protocol() != sp.protocol()) {
            continue;
          }
          for (ServiceEndpoints.Endpoint e : slice.endpoints()) {
            if (e.takesTraffic()) {
              e.addresses().forEach(a -> backends.add(new Backend(a, ep.port(), ep.protocol())));
            }
          }
        }
      }
      out.put(sp, List.copyOf(backends));
    }
    return out;
  }
}
