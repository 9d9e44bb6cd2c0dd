package io.palisade.pipeline.inventory;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodIP;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.resolve.NamedPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Kubernetes objects in the engine's terms: pods become workloads, namespaces keep labels. */
public final class PodMapping {

  private PodMapping() {}

  /**
   * The workload of a pod; empty for pods that are no endpoints: finished ones, and those on the
   * host's network (they have the host's identity).
   */
  public static Optional<Workload> workload(io.fabric8.kubernetes.api.model.Pod pod) {
    var spec = pod.getSpec();
    var status = pod.getStatus();
    String phase = status == null ? null : status.getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      return Optional.empty();
    }
    if (spec != null && Boolean.TRUE.equals(spec.getHostNetwork())) {
      return Optional.empty();
    }
    List<String> addresses = new ArrayList<>();
    if (status != null && status.getPodIPs() != null) {
      for (PodIP ip : status.getPodIPs()) {
        addIfAddress(addresses, ip.getIp());
      }
    }
    if (addresses.isEmpty() && status != null) {
      addIfAddress(addresses, status.getPodIP());
    }
    var meta = pod.getMetadata();
    Optional<String> sa =
        Optional.ofNullable(spec == null ? null : spec.getServiceAccountName())
            .filter(s -> !s.isEmpty());
    Pod p =
        new Pod(
            Optional.ofNullable(meta.getNamespace()).orElse("default"),
            meta.getName(),
            Optional.ofNullable(meta.getLabels()).orElse(Map.of()),
            sa,
            addresses.stream().findFirst(),
            namedPorts(spec == null ? List.of() : spec.getContainers()));
    Optional<String> node =
        Optional.ofNullable(spec == null ? null : spec.getNodeName()).filter(n -> !n.isEmpty());
    return Optional.of(new Workload(p, node, addresses, proxylessGrpc(meta.getAnnotations())));
  }

  /**
   * Whether the pod said its gRPC server enforces its own L7 rules. Only {@code "grpc"} says so;
   * any other value leaves its L7 rules to the node's proxy, which is the safe reading of a typo.
   */
  static boolean proxylessGrpc(Map<String, String> annotations) {
    return annotations != null && "grpc".equals(annotations.get(Workload.PROXYLESS_ANNOTATION));
  }

  public static Namespace namespace(io.fabric8.kubernetes.api.model.Namespace ns) {
    return new Namespace(
        ns.getMetadata().getName(),
        Optional.ofNullable(ns.getMetadata().getLabels()).orElse(Map.of()));
  }

  private static void addIfAddress(List<String> out, String ip) {
    if (ip != null && CidrPrefix.parseAddress(ip).isPresent() && !out.contains(ip)) {
      out.add(ip);
    }
  }

  private static Set<NamedPort> namedPorts(List<Container> containers) {
    Set<NamedPort> out = new HashSet<>();
    for (Container c : containers == null ? List.<Container>of() : containers) {
      for (ContainerPort p : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if (p.getName() == null || p.getName().isEmpty() || p.getContainerPort() == null) {
          continue;
        }
        Protocol.parse(Optional.ofNullable(p.getProtocol()).orElse("TCP"))
            .filter(Protocol::hasPorts)
            .ifPresent(
                proto ->
                    out.add(
                        new NamedPort(
                            p.getName().toLowerCase(Locale.ROOT), proto, p.getContainerPort())));
      }
    }
    return out;
  }
}
