package io.palisade.pipeline.inventory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.pipeline.model.ServicePort;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.parse.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Node, Service and EndpointSlice objects, as the API serves them and {@code kubectl get -o yaml}
 * prints them, read into the pipeline's records. Every problem of an object is reported at its
 * field path with the offending value, and an object with any problem gives no record: its last
 * good one stays wherever it was kept. The informers and the cluster file both read through here.
 */
public final class ClusterObjects {

  /** A record, or every problem that kept the object from being one. */
  public record Read<T>(Optional<T> value, List<FieldError> errors) {

    static <T> Read<T> of(T value, List<FieldError> errors) {
      return errors.isEmpty()
          ? new Read<>(Optional.of(value), List.of())
          : new Read<>(Optional.empty(), List.copyOf(errors));
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** An IANA service name, as Kubernetes validates a named {@code targetPort}. */
  private static final Pattern PORT_NAME =
      Pattern.compile("^(?=.{1,15}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$");

  private static final Set<String> SERVICE_TYPES =
      Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

  private static final Set<String> NODE_ADDRESS_TYPES = Set.of("InternalIP", "ExternalIP");

  private ClusterObjects() {}

  /** A Node's name and its InternalIP and ExternalIP addresses. */
  public static Read<NodeInfo> node(Node node) {
    List<FieldError> errors = new ArrayList<>();
    String name = name(node, errors);
    List<String> addresses = new ArrayList<>();
    List<NodeAddress> listed =
        node.getStatus() == null || node.getStatus().getAddresses() == null
            ? List.of()
            : node.getStatus().getAddresses();
    for (int i = 0; i < listed.size(); i++) {
      NodeAddress a = listed.get(i);
      String path = "status.addresses[" + i + "]";
      if (a == null) {
        errors.add(new FieldError(path, "must be an address, not null"));
      } else if (a.getType() == null || a.getType().isEmpty()) {
        errors.add(new FieldError(path + ".type", "must be set (InternalIP, ExternalIP, ...)"));
      } else if (NODE_ADDRESS_TYPES.contains(a.getType())) {
        ip(a.getAddress(), path + ".address", errors).ifPresent(addresses::add);
      }
    }
    return Read.of(new NodeInfo(name, addresses), errors);
  }

  /** A Service's type, cluster IPs, ports, external IPs and selector. */
  public static Read<ServiceInfo> service(Service service) {
    List<FieldError> errors = new ArrayList<>();
    String name = name(service, errors);
    String namespace = namespace(service);
    var spec = service.getSpec();
    if (spec == null) {
      errors.add(new FieldError("spec", "a Service needs a spec"));
      return Read.of(null, errors);
    }
    String type = Optional.ofNullable(spec.getType()).filter(t -> !t.isEmpty()).orElse("ClusterIP");
    if (!SERVICE_TYPES.contains(type)) {
      errors.add(
          new FieldError(
              "spec.type",
              quote(type)
                  + " is not a Service type (ClusterIP, NodePort, LoadBalancer,"
                  + " ExternalName)"));
    }
    List<String> clusterIPs = new ArrayList<>();
    if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
      clusterIps(spec.getClusterIPs(), "spec.clusterIPs", clusterIPs, errors);
    } else if (spec.getClusterIP() != null) {
      clusterIps(List.of(spec.getClusterIP()), "spec.clusterIP", clusterIPs, errors);
    }
    List<String> external = ips(spec.getExternalIPs(), "spec.externalIPs", errors);
    List<ServicePort> ports = new ArrayList<>();
    List<io.fabric8.kubernetes.api.model.ServicePort> listed =
        spec.getPorts() == null ? List.of() : spec.getPorts();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < listed.size(); i++) {
      servicePort(listed.get(i), "spec.ports[" + i + "]", listed.size() > 1, names, errors)
          .ifPresent(ports::add);
    }
    Map<String, String> selector = spec.getSelector() == null ? Map.of() : spec.getSelector();
    Map<String, String> labels =
        service.getMetadata() == null || service.getMetadata().getLabels() == null
            ? Map.of()
            : service.getMetadata().getLabels();
    return Read.of(
        new ServiceInfo(namespace, name, type, clusterIPs, ports, external, selector, labels),
        errors);
  }

  private static Optional<ServicePort> servicePort(
      io.fabric8.kubernetes.api.model.ServicePort p,
      String path,
      boolean several,
      Set<String> names,
      List<FieldError> errors) {
    if (p == null) {
      errors.add(new FieldError(path, "must be a port, not null"));
      return Optional.empty();
    }
    int before = errors.size();
    String name = Optional.ofNullable(p.getName()).orElse("");
    if (several && name.isEmpty()) {
      errors.add(new FieldError(path + ".name", "must be set when a Service has several ports"));
    } else if (!name.isEmpty() && !names.add(name)) {
      errors.add(new FieldError(path + ".name", quote(name) + " names two ports"));
    }
    Optional<Protocol> protocol = protocol(p.getProtocol(), path + ".protocol", errors);
    int port = port(p.getPort(), path + ".port", true, errors);
    ServicePort.TargetPort target = targetPort(p.getTargetPort(), port, path, errors);
    OptionalInt nodePort = OptionalInt.empty();
    if (p.getNodePort() != null && p.getNodePort() != 0) {
      nodePort = OptionalInt.of(port(p.getNodePort(), path + ".nodePort", true, errors));
    }
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new ServicePort(name, protocol.orElseThrow(), port, target, nodePort));
  }

  private static ServicePort.TargetPort targetPort(
      IntOrString target, int port, String path, List<FieldError> errors) {
    if (target == null) {
      return ServicePort.TargetPort.of(port); // Kubernetes defaults it to the port.
    }
    if (target.getIntVal() != null) {
      return ServicePort.TargetPort.of(
          port(target.getIntVal(), path + ".targetPort", true, errors));
    }
    String name = Optional.ofNullable(target.getStrVal()).orElse("");
    if (!PORT_NAME.matcher(name).matches() || !name.matches(".*[a-z].*")) {
      errors.add(
          new FieldError(
              path + ".targetPort",
              quote(name) + " is neither a port number nor a port name (IANA service name)"));
    }
    return ServicePort.TargetPort.named(name);
  }

  /** An EndpointSlice's Service, address type, endpoints with their conditions, and ports. */
  public static Read<ServiceEndpoints> endpoints(EndpointSlice slice) {
    List<FieldError> errors = new ArrayList<>();
    String name = name(slice, errors);
    String namespace = namespace(slice);
    Optional<String> service =
        Optional.ofNullable(slice.getMetadata().getLabels())
            .map(l -> l.get(ServiceEndpoints.SERVICE_NAME_LABEL))
            .filter(s -> !s.isEmpty());
    String type = Optional.ofNullable(slice.getAddressType()).orElse("");
    if (!Set.of("IPv4", "IPv6", "FQDN").contains(type)) {
      errors.add(
          new FieldError(
              "addressType",
              type.isEmpty()
                  ? "must be set (IPv4, IPv6 or FQDN)"
                  : quote(type) + " is not an address type (IPv4, IPv6 or FQDN)"));
    }
    List<ServiceEndpoints.Endpoint> endpoints = new ArrayList<>();
    List<Endpoint> listed = slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
    for (int i = 0; i < listed.size(); i++) {
      endpoint(listed.get(i), type, "endpoints[" + i + "]", errors).ifPresent(endpoints::add);
    }
    List<ServiceEndpoints.EndpointPort> ports = new ArrayList<>();
    List<EndpointPort> listedPorts = slice.getPorts() == null ? List.of() : slice.getPorts();
    for (int i = 0; i < listedPorts.size(); i++) {
      String path = "ports[" + i + "]";
      EndpointPort p = listedPorts.get(i);
      if (p == null) {
        errors.add(new FieldError(path, "must be a port, not null"));
        continue;
      }
      Optional<Protocol> protocol = protocol(p.getProtocol(), path + ".protocol", errors);
      int port = p.getPort() == null ? 0 : port(p.getPort(), path + ".port", true, errors);
      protocol.ifPresent(
          proto ->
              ports.add(
                  new ServiceEndpoints.EndpointPort(
                      Optional.ofNullable(p.getName()).orElse(""), proto, port)));
    }
    return Read.of(new ServiceEndpoints(namespace, name, service, type, endpoints, ports), errors);
  }

  private static Optional<ServiceEndpoints.Endpoint> endpoint(
      Endpoint e, String type, String path, List<FieldError> errors) {
    if (e == null) {
      errors.add(new FieldError(path, "must be an endpoint, not null"));
      return Optional.empty();
    }
    List<String> addresses = new ArrayList<>();
    List<String> listed = e.getAddresses() == null ? List.of() : e.getAddresses();
    if (listed.isEmpty()) {
      errors.add(new FieldError(path + ".addresses", "must list at least one address"));
    }
    for (int j = 0; j < listed.size(); j++) {
      String at = path + ".addresses[" + j + "]";
      if (type.equals("FQDN")) {
        addresses.add(listed.get(j));
        continue;
      }
      Optional<String> ip = ip(listed.get(j), at, errors);
      if (ip.isPresent() && (ip.get().contains(":") != type.equals("IPv6"))) {
        errors.add(new FieldError(at, quote(ip.get()) + " is not an " + type + " address"));
      } else {
        ip.ifPresent(addresses::add);
      }
    }
    var c = e.getConditions();
    boolean ready = c == null || c.getReady() == null || c.getReady();
    boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
    boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
    Optional<String> node = Optional.ofNullable(e.getNodeName()).filter(n -> !n.isEmpty());
    return Optional.of(new ServiceEndpoints.Endpoint(addresses, ready, serving, terminating, node));
  }

  /**
   * Reads an object of the cluster file ({@code where} names it, e.g. {@code document 2}) as the
   * fabric8 type the informers deliver, then as a record. A value of the wrong shape (a port that
   * is a word) is an error at its path.
   */
  public static <K, T> Read<T> fromJson(
      String where, JsonNode object, Class<K> type, Function<K, Read<T>> read) {
    K parsed;
    try {
      parsed = JSON.treeToValue(object, type);
    } catch (JsonMappingException e) {
      String path = path(e);
      return new Read<>(
          Optional.empty(),
          List.of(
              new FieldError(
                  where + " " + path, "has the wrong shape: " + e.getOriginalMessage())));
    } catch (Exception e) {
      return new Read<>(
          Optional.empty(), List.of(new FieldError(where, "cannot be read: " + e.getMessage())));
    }
    Read<T> r = read.apply(parsed);
    if (r.errors().isEmpty()) {
      return r;
    }
    List<FieldError> placed = new ArrayList<>();
    for (FieldError fe : r.errors()) {
      placed.add(new FieldError(where + " " + fe.path(), fe.message()));
    }
    return new Read<>(Optional.empty(), placed);
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
      }
    }
    return sb.toString();
  }

  private static String name(HasMetadata o, List<FieldError> errors) {
    String name = o.getMetadata() == null ? null : o.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      errors.add(new FieldError("metadata.name", "a " + o.getKind() + " needs a name"));
      return "";
    }
    return name;
  }

  private static String namespace(HasMetadata o) {
    return Optional.ofNullable(o.getMetadata() == null ? null : o.getMetadata().getNamespace())
        .filter(n -> !n.isEmpty())
        .orElse("default");
  }

  private static void clusterIps(
      List<String> listed, String path, List<String> out, List<FieldError> errors) {
    for (int i = 0; i < listed.size(); i++) {
      String ip = listed.get(i);
      if (ip == null || ip.isEmpty() || ip.equals("None")) {
        continue; // Headless, or not yet allocated: no address to translate.
      }
      ip(ip, listed.size() > 1 || path.endsWith("IPs") ? path + "[" + i + "]" : path, errors)
          .ifPresent(out::add);
    }
  }

  private static List<String> ips(List<String> listed, String path, List<FieldError> errors) {
    List<String> out = new ArrayList<>();
    for (int i = 0; listed != null && i < listed.size(); i++) {
      ip(listed.get(i), path + "[" + i + "]", errors).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<String> ip(String text, String path, List<FieldError> errors) {
    if (text == null || text.isEmpty()) {
      errors.add(new FieldError(path, "must be an IP address"));
      return Optional.empty();
    }
    if (CidrPrefix.parseAddress(text).isEmpty()) {
      errors.add(new FieldError(path, quote(text) + " is not an IP address"));
      return Optional.empty();
    }
    return Optional.of(text);
  }

  private static Optional<Protocol> protocol(String text, String path, List<FieldError> errors) {
    if (text == null || text.isEmpty()) {
      return Optional.of(Protocol.TCP); // Kubernetes' default.
    }
    Optional<Protocol> p = Protocol.parse(text).filter(Protocol::hasPorts);
    if (p.isEmpty() || !text.equals(p.get().name())) {
      errors.add(new FieldError(path, quote(text) + " is not a protocol (TCP, UDP or SCTP)"));
      return Optional.empty();
    }
    return p;
  }

  private static int port(Integer port, String path, boolean required, List<FieldError> errors) {
    if (port == null) {
      if (required) {
        errors.add(new FieldError(path, "must be set (1-65535)"));
      }
      return 0;
    }
    if (port < 1 || port > 65535) {
      errors.add(new FieldError(path, port + " is not a port (1-65535)"));
      return 0;
    }
    return port;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
