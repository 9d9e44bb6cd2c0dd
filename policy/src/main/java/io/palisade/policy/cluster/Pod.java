package io.palisade.policy.cluster;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.palisade.policy.intern.LabelMaps;
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

  // Replicas of a deployment name the same ports: one shared set for all of them.
  private static final Interner<Set<NamedPort>> PORTS = Interners.newWeakInterner();

  public Pod {
    namespace = namespace.intern();
    labels = LabelMaps.shared(labels);
    ports = PORTS.intern(Set.copyOf(ports));
  }

  /** {@code namespace/name}. */
  public String qualifiedName() {
    return namespace + "/" + name;
  }
}
