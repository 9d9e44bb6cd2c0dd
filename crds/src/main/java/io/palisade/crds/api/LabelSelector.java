package io.palisade.crds.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A Kubernetes label selector whose keys may carry a Cilium label source ({@code k8s:app}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelector(
    Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions) {

  /** The selector written as {@code {}}: it selects everything. */
  public static LabelSelector wildcard() {
    return new LabelSelector(null, null);
  }
}
