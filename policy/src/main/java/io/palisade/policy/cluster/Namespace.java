package io.palisade.policy.cluster;

import io.palisade.policy.intern.LabelMaps;
import java.util.Map;

/** A Kubernetes namespace and its labels. */
public record Namespace(String name, Map<String, String> labels) {

  public Namespace {
    labels = LabelMaps.shared(labels);
  }
}
