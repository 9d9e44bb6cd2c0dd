package io.palisade.policy.cluster;

import java.util.Map;

/** A Kubernetes namespace and its labels. */
public record Namespace(String name, Map<String, String> labels) {

  public Namespace {
    labels = Map.copyOf(labels);
  }
}
