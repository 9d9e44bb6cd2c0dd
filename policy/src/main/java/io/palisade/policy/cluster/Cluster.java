package io.palisade.policy.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A set of namespaces and pods. A pod's namespace need not be listed; it then has no labels. */
public record Cluster(List<Namespace> namespaces, List<Pod> pods) {

  public Cluster {
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
  }

  public Namespace namespace(String name) {
    for (Namespace n : namespaces) {
      if (n.name().equals(name)) {
        return n;
      }
    }
    return new Namespace(name, Map.of());
  }

  public Optional<Pod> pod(String namespace, String name) {
    return pods.stream()
        .filter(p -> p.namespace().equals(namespace) && p.name().equals(name))
        .findFirst();
  }

  /** Pods by {@code namespace/name}, sorted. */
  public Map<String, Pod> podsByName() {
    Map<String, Pod> out = new TreeMap<>();
    pods.forEach(p -> out.put(p.qualifiedName(), p));
    return out;
  }
}
