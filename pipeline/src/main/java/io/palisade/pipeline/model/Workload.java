package io.palisade.pipeline.model;

import io.palisade.policy.cluster.Pod;
import java.util.List;
import java.util.Optional;

/**
 * A pod as the operator sees it: the engine's view of the pod, the node it runs on, its IPs, and
 * whether its own gRPC server enforces its ingress L7 rules (annotation {@value
 * #PROXYLESS_ANNOTATION}: {@code "grpc"}), in which case no proxy needs to stand in front of it.
 */
public record Workload(
    Pod pod, Optional<String> node, List<String> addresses, boolean proxylessGrpc) {

  /** The pod annotation by which a pod says its gRPC server enforces its L7 rules itself. */
  public static final String PROXYLESS_ANNOTATION = "palisade.io/l7-proxyless";

  public Workload {
    addresses = List.copyOf(addresses);
  }

  /** A pod whose L7 rules, if any, are for the node's proxy. */
  public Workload(Pod pod, Optional<String> node, List<String> addresses) {
    this(pod, node, addresses, false);
  }

  /** {@code namespace/name}, the endpoint id on its node. */
  public String id() {
    return pod.qualifiedName();
  }
}
