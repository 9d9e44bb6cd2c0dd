package io.palisade.pipeline.model;

import io.palisade.policy.rules.RuleOrigin;

/** A policy object by kind and name; the namespace is empty for cluster-scoped kinds. */
public record PolicyRef(String kind, String namespace, String name) {

  public PolicyRef {
    namespace = namespace == null ? "" : namespace;
  }

  public static PolicyRef of(RuleOrigin origin) {
    return new PolicyRef(origin.kind(), origin.namespace(), origin.name());
  }

  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
