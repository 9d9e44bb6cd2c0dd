package io.palisade.policy.rules;

/** The label keys Cilium gives pods and injects into selectors. */
public final class ClusterLabels {

  public static final String NAMESPACE = "io.kubernetes.pod.namespace";
  public static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";
  public static final String CLUSTER = "io.cilium.k8s.policy.cluster";
  public static final String SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";
  public static final String METADATA_NAME = "kubernetes.io/metadata.name";

  /** The name of the one cluster Palisade manages, as Cilium names a cluster by default. */
  public static final String DEFAULT_CLUSTER = "default";

  private ClusterLabels() {}
}
