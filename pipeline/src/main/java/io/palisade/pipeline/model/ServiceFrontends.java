package io.palisade.pipeline.model;

import io.palisade.policy.Protocol;
import io.palisade.policy.parse.FieldError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one Service gives the datapath's translation, computed from the Service and its
 * EndpointSlices: the frontends every node shares (each ClusterIP and external IP with each port),
 * the NodePorts each node opens on its own addresses, and every problem that kept a port from
 * having a frontend. This is the one place where Services and EndpointSlices become frontends.
 *
 * <p>The backend port of a Service port is the number the slices give under the Service port's name
 * and protocol, as kube-proxy and Cilium read it: Kubernetes resolves the {@code targetPort} (a
 * number, or a container port's name on each pod) into the slice. A Service port that a slice names
 * without a number, or an SCTP port whose backends listen on another number (SCTP is translated by
 * address only), cannot be resolved: it gets an error and no frontend, never a wrong backend.
 */
public record ServiceFrontends(
    String service,
    Map<ServiceFrontend, List<ServiceBackend>> shared,
    List<NodePort> nodePorts,
    List<FieldError> errors) {

  /** A NodePort and its backends of each family; a node opens it on each of its addresses. */
  public record NodePort(int port, Protocol protocol, List<ServiceBackend> backends) {

    public NodePort {
      backends = List.copyOf(backends);
    }

    /** The frontend on {@code address}, with the backends of its family. */
    public Map.Entry<ServiceFrontend, List<ServiceBackend>> on(String address) {
      ServiceFrontend f = new ServiceFrontend(address, port, protocol);
      return Map.entry(f, backends.stream().filter(b -> b.ipv6() == f.ipv6()).toList());
    }
  }

  /** The types whose ports carry a node port that kube-proxy opens on every node. */
  private static final Set<String> NODE_PORT_TYPES = Set.of("NodePort", "LoadBalancer");

  public ServiceFrontends {
    shared = Map.copyOf(shared);
    nodePorts = List.copyOf(nodePorts);
    errors = List.copyOf(errors);
  }

  /** Nothing to translate for {@code service} (gone, or never a frontend). */
  public static ServiceFrontends none(String service) {
    return new ServiceFrontends(service, Map.of(), List.of(), List.of());
  }

  /**
   * The frontends of {@code service} with the ready backends {@code slices} give (slices of other
   * Services are skipped). A headless Service ({@code clusterIP: None}), one with no cluster IP yet
   * and an ExternalName Service have none, as kube-proxy gives them none: no external IP or node
   * port either.
   */
  public static ServiceFrontends of(ServiceInfo service, Collection<ServiceEndpoints> slices) {
    List<ServiceEndpoints> own =
        slices.stream().filter(s -> s.serves(service.namespace(), service.name())).toList();
    List<FieldError> errors = new ArrayList<>();
    if (service.type().equals("ExternalName") || service.clusterIPs().isEmpty()) {
      return none(service.id());
    }
    for (ServiceEndpoints s : own) {
      if (s.addressType().equals("FQDN")) {
        errors.add(
            new FieldError(
                "EndpointSlice " + s.id() + " addressType",
                "FQDN endpoints are names, not addresses: they are no backend"));
      }
    }
    Map<ServiceFrontend, List<ServiceBackend>> shared = new LinkedHashMap<>();
    List<NodePort> nodePorts = new ArrayList<>();
    List<String> addresses = new ArrayList<>(service.clusterIPs());
    addresses.addAll(service.externalIPs());
    for (int i = 0; i < service.ports().size(); i++) {
      ServicePort sp = service.ports().get(i);
      String path = "spec.ports[" + i + "]";
      int before = errors.size();
      List<ServiceBackend> backends = backends(sp, own, path, errors);
      Protocol protocol = sp.protocol();
      if (protocol == Protocol.SCTP) {
        sctp(sp.port(), backends, path + ".targetPort", errors);
      }
      if (backends.size() > ServiceTable.MAX_BACKENDS) {
        errors.add(
            new FieldError(
                path,
                backends.size()
                    + " backends, at most "
                    + ServiceTable.MAX_BACKENDS
                    + " translate"));
      }
      if (errors.size() > before) {
        continue; // No frontend rather than one with a wrong or partial set of backends.
      }
      for (String address : addresses) {
        ServiceFrontend f = new ServiceFrontend(address, sp.port(), protocol);
        shared.putIfAbsent(f, backends.stream().filter(b -> b.ipv6() == f.ipv6()).toList());
      }
      if (sp.nodePort().isPresent() && NODE_PORT_TYPES.contains(service.type())) {
        int nodePort = sp.nodePort().getAsInt();
        if (protocol != Protocol.SCTP || sctp(nodePort, backends, path + ".nodePort", errors)) {
          nodePorts.add(new NodePort(nodePort, protocol, backends));
        }
      }
    }
    return new ServiceFrontends(service.id(), shared, nodePorts, errors);
  }

  /**
   * The ready backends of one Service port: every address of every endpoint that takes traffic, at
   * the number each slice gives the port of the same name and protocol.
   */
  private static List<ServiceBackend> backends(
      ServicePort sp, List<ServiceEndpoints> slices, String path, List<FieldError> errors) {
    List<ServiceBackend> out = new ArrayList<>();
    for (ServiceEndpoints slice : slices) {
      if (slice.addressType().equals("FQDN")) {
        continue;
      }
      for (int j = 0; j < slice.ports().size(); j++) {
        ServiceEndpoints.EndpointPort ep = slice.ports().get(j);
        if (!ep.name().equals(sp.name()) || ep.protocol() != sp.protocol()) {
          continue;
        }
        if (ep.port() == 0) {
          errors.add(
              new FieldError(
                  path + ".targetPort",
                  "\""
                      + sp.targetPort()
                      + "\" cannot be resolved: EndpointSlice "
                      + slice.id()
                      + " ports["
                      + j
                      + "] names the port "
                      + (sp.name().isEmpty() ? "(unnamed)" : "\"" + sp.name() + "\"")
                      + " without a number"));
          continue;
        }
        for (ServiceEndpoints.Endpoint e : slice.endpoints()) {
          if (e.takesTraffic()) {
            e.addresses().forEach(a -> out.add(new ServiceBackend(a, ep.port())));
          }
        }
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(out));
  }

  /** Whether every backend listens on {@code port}; if not, an error at {@code path}. */
  private static boolean sctp(
      int port, List<ServiceBackend> backends, String path, List<FieldError> errors) {
    for (ServiceBackend b : backends) {
      if (b.port() != port) {
        errors.add(
            new FieldError(
                path,
                "SCTP backend "
                    + b
                    + " listens on another port than "
                    + port
                    + ": SCTP's checksum covers its ports, so only addresses are translated"));
        return false;
      }
    }
    return true;
  }

  /** The NodePort frontends on a node with {@code addresses}. */
  public Map<ServiceFrontend, List<ServiceBackend>> onNode(Collection<String> addresses) {
    Map<ServiceFrontend, List<ServiceBackend>> out = new LinkedHashMap<>();
    for (NodePort np : nodePorts) {
      for (String a : addresses) {
        var e = np.on(a);
        out.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
