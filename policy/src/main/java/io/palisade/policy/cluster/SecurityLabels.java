package io.palisade.policy.cluster;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.IpBlockLabels;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.LabelFilter;
import io.palisade.policy.labels.Labels;
import io.palisade.policy.rules.ClusterLabels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The identity labels of a pod as Cilium derives them: its own labels, its namespace, every label
 * of its namespace under {@code io.cilium.k8s.namespace.labels.}, its service account and the
 * cluster, passed through the label filter; and Palisade's {@code ipblock:} label for each ipBlock
 * prefix that holds its address.
 */
public final class SecurityLabels {

  private SecurityLabels() {}

  /**
   * The labels of {@code pod} when the Kubernetes NetworkPolicies in force name {@code
   * ipBlockPrefixes} ({@link io.palisade.policy.rules.PolicyRule#ipBlockPrefixesOf}).
   */
  public static Labels of(Pod pod, Namespace namespace, Collection<CidrPrefix> ipBlockPrefixes) {
    Labels own = of(pod, namespace);
    List<Label> ipBlocks = IpBlockLabels.of(pod.ip().stream().toList(), ipBlockPrefixes);
    return ipBlocks.isEmpty() ? own : own.with(ipBlocks);
  }

  /** The labels of {@code pod} where no NetworkPolicy names an ipBlock. */
  public static Labels of(Pod pod, Namespace namespace) {
    List<Label> labels = new ArrayList<>();
    pod.labels().forEach((k, v) -> labels.add(Label.k8s(k, v)));
    labels.add(Label.k8s(ClusterLabels.NAMESPACE, pod.namespace()));
    Map<String, String> nsLabels = new java.util.TreeMap<>(namespace.labels());
    nsLabels.putIfAbsent(ClusterLabels.METADATA_NAME, pod.namespace());
    nsLabels.forEach((k, v) -> labels.add(Label.k8s(ClusterLabels.NAMESPACE_LABELS_PREFIX + k, v)));
    pod.serviceAccount().ifPresent(sa -> labels.add(Label.k8s(ClusterLabels.SERVICE_ACCOUNT, sa)));
    labels.add(Label.k8s(ClusterLabels.CLUSTER, ClusterLabels.DEFAULT_CLUSTER));
    return Labels.of(LabelFilter.defaults().filter(labels));
  }
}
