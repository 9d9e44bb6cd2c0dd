package io.palisade.pipeline.model;

import io.palisade.policy.cluster.Pod;
import java.util.List;
import java.util.Optional;

/** A pod as the operator sees it: the engine's view of the pod, the node it runs on, its IPs. */
public record Workload(Pod pod, Optional<String> node, List<String> addresses) {

  public Workload {
    addresses = List.copyOf(addresses);
  }

  /** {@code namespace/name}, the endpoint id on its node. */
  public String id() {
    return pod.qualifiedName();
  }
}
