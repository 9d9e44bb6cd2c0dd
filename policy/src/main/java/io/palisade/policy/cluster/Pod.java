package io.palisade.policy.cluster;

import io.palisade.policy.resolve.NamedPort;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A pod as policies see it: where it lives, its labels, its address and its named ports. */
public record Pod(
    String namespace,
    String name,
    Map<String, String> labels,
    Optional<String> serviceAccount,
    Optional<String> ip,
    Set<NamedPort> ports) {

  public Pod {
    labels = Map.copyOf(labels);
    ports = Set.copyOf(ports);
  }

  /** {@code namespace/name}. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }
}
