package io.palisade.operator.source;

import io.palisade.crds.palisade.PolicySource;

/**
 * A PolicySource by namespace and name: what the objects it applies carry in their {@value
 * #ANNOTATION} annotation, so that the inventory can be rebuilt from the cluster.
 */
public record SourceId(String namespace, String name) {

  /** Names the source that applied an object, as {@code <namespace>/<name>}. */
  public static final String ANNOTATION = "palisade.io/source";

  /** Marks the objects a PolicySource applied, for label selectors. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  public static final String MANAGED_BY = "palisade-policysource";

  public static SourceId of(PolicySource source) {
    return new SourceId(source.getMetadata().getNamespace(), source.getMetadata().getName());
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
