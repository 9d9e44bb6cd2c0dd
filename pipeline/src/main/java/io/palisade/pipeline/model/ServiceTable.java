package io.palisade.pipeline.model;

import io.palisade.policy.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Every Service frontend the node's datapath translates, each with its ready backends, which a new
 * connection is spread over evenly. A frontend with no backend is kept: a connection to it is
 * dropped as having no service backend rather than sent on to its address. Built from the cluster's
 * Services and EndpointSlices elsewhere; this record only holds and checks the result.
 */
public record ServiceTable(Map<ServiceFrontend, List<ServiceBackend>> services) {

  public static final ServiceTable EMPTY = new ServiceTable(Map.of());

  /** The most backends one frontend may have: the datapath counts them in 16 bits. */
  public static final int MAX_BACKENDS = 65535;

  /**
   * Copies the table, dropping repeated backends of a frontend (the first stays).
   *
   * @throws IllegalArgumentException naming every frontend and backend that is wrong: a backend of
   *     the other address family, an SCTP backend on another port (the datapath rewrites SCTP
   *     addresses only), too many backends
   */
  public ServiceTable {
    Map<ServiceFrontend, List<ServiceBackend>> copy = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    services.forEach(
        (frontend, backends) -> {
          String at = "services[" + frontend + "]";
          List<ServiceBackend> unique = List.copyOf(new LinkedHashSet<>(backends));
          if (unique.size() > MAX_BACKENDS) {
            errors.add(at + ".backends: " + unique.size() + " backends, at most " + MAX_BACKENDS);
          }
          for (int i = 0; i < unique.size(); i++) {
            ServiceBackend b = unique.get(i);
            String field = at + ".backends[" + i + "]";
            if (b.ipv6() != frontend.ipv6()) {
              errors.add(field + ": " + b + " is not of the frontend's address family");
            }
            if (frontend.protocol() == Protocol.SCTP && b.port() != frontend.port()) {
              errors.add(
                  field
                      + ".port: "
                      + b.port()
                      + " differs from the frontend's "
                      + frontend.port()
                      + "; SCTP's checksum covers its ports, so only the address is translated");
            }
          }
          copy.put(frontend, unique);
        });
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    services = Map.copyOf(copy);
  }

  /** How many frontends the table holds. */
  public int size() {
    return services.size();
  }
}
