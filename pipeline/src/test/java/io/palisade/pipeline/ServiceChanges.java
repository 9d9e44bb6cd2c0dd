package io.palisade.pipeline;

import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.pipeline.model.ServicePort;
import io.palisade.policy.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Random changes of nodes, Services and EndpointSlices for {@link IncrementalMatchesFullTest}: few
 * names and addresses, so that Services share external IPs, slices move between Services, node
 * addresses collide with pod addresses, and ports are named, unnamed, missing a number or SCTP on
 * another port (errors that leave a port without a frontend).
 */
final class ServiceChanges {

  private static final List<String> SERVICES = List.of("web", "db", "dns", "ext");
  private static final List<String> TYPES =
      List.of("ClusterIP", "ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

  private ServiceChanges() {}

  static void change(
      Random random, ClusterInventory inventory, List<String> namespaces, List<String> nodes) {
    switch (random.nextInt(4)) {
      case 0 -> {
        String node = pick(random, nodes);
        if (random.nextInt(4) == 0) {
          inventory.removeNode(node);
        } else {
          List<String> addresses = new ArrayList<>();
          addresses.add("192.168.1." + random.nextInt(6));
          if (random.nextBoolean()) {
            addresses.add("10.0.0." + (26 + random.nextInt(4))); // a pod's, now and then
          }
          if (random.nextInt(4) == 0) {
            addresses.add("fd00::" + (1 + random.nextInt(3)));
          }
          inventory.putNode(new NodeInfo(node, addresses));
        }
      }
      case 1 -> {
        String ns = pick(random, namespaces);
        String name = pick(random, SERVICES);
        if (random.nextInt(4) == 0) {
          inventory.removeService(ns + "/" + name);
        } else {
          inventory.putService(service(random, ns, name));
        }
      }
      default -> {
        String ns = pick(random, namespaces);
        String name = "slice-" + random.nextInt(6);
        if (random.nextInt(5) == 0) {
          inventory.removeEndpoints(ns + "/" + name);
        } else {
          inventory.putEndpoints(slice(random, ns, name));
        }
      }
    }
  }

  private static ServiceInfo service(Random random, String ns, String name) {
    String type = pick(random, TYPES);
    List<String> clusterIPs = new ArrayList<>();
    if (random.nextInt(6) != 0) { // else headless
      clusterIPs.add("10.96.0." + random.nextInt(8));
      if (random.nextInt(4) == 0) {
        clusterIPs.add("fd96::" + random.nextInt(4));
      }
    }
    List<String> external =
        random.nextInt(3) == 0 ? List.of("203.0.113." + random.nextInt(3)) : List.of();
    List<ServicePort> ports = new ArrayList<>();
    int count = 1 + random.nextInt(2);
    for (int i = 0; i < count; i++) {
      Protocol protocol = pick(random, List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP));
      int port = pick(random, List.of(53, 80, 443));
      OptionalInt nodePort =
          type.equals("NodePort") || type.equals("LoadBalancer")
              ? OptionalInt.of(30000 + random.nextInt(3))
              : OptionalInt.empty();
      ports.add(
          new ServicePort(
              count == 1 && random.nextBoolean() ? "" : pick(random, List.of("http", "dns")) + i,
              protocol,
              port,
              random.nextBoolean()
                  ? ServicePort.TargetPort.of(8080)
                  : ServicePort.TargetPort.named("web"),
              nodePort));
    }
    return new ServiceInfo(
        ns, name, type, clusterIPs, ports, external, Map.of("app", name), Map.of());
  }

  private static ServiceEndpoints slice(Random random, String ns, String name) {
    boolean v6 = random.nextInt(5) == 0;
    List<ServiceEndpoints.Endpoint> endpoints = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      String address = v6 ? "fd00::1:" + random.nextInt(4) : "10.0.0." + random.nextInt(30);
      endpoints.add(
          new ServiceEndpoints.Endpoint(
              List.of(address),
              random.nextInt(4) != 0,
              true,
              random.nextInt(6) == 0,
              Optional.empty()));
    }
    List<ServiceEndpoints.EndpointPort> ports = new ArrayList<>();
    for (int i = 0; i < 1 + random.nextInt(2); i++) {
      ports.add(
          new ServiceEndpoints.EndpointPort(
              pick(random, List.of("", "http0", "dns1", "http1")),
              pick(random, List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)),
              random.nextInt(8) == 0 ? 0 : pick(random, List.of(53, 80, 8080))));
    }
    Optional<String> service =
        random.nextInt(8) == 0 ? Optional.empty() : Optional.of(pick(random, SERVICES));
    return new ServiceEndpoints(ns, name, service, v6 ? "IPv6" : "IPv4", endpoints, ports);
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
