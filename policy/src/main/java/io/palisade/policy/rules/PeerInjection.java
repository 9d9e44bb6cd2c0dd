package io.palisade.policy.rules;

import io.palisade.crds.api.LabelSelector;
import io.palisade.policy.labels.Label;
import io.palisade.policy.selector.LabelSelectorMatcher;
import io.palisade.policy.selector.Requirement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cilium's rewriting of selectors before matching: a CNP's subject is confined to its namespace; a
 * peer without a namespace term is confined to the policy's namespace (CNP) or to pods (CCNP);
 * every peer is confined to the local cluster; selectors on reserved labels stay as written.
 */
public final class PeerInjection {

  private static final Set<String> K8S_OR_ANY = Set.of(Label.K8S, Label.ANY);

  private PeerInjection() {}

  /** The subject of a rule: in a CNP, only pods of the policy's namespace. */
  public static LabelSelectorMatcher subject(LabelSelector selector, String namespace) {
    LabelSelectorMatcher m = LabelSelectorMatcher.compile(selector);
    if (namespace.isEmpty()) {
      return m;
    }
    TreeSet<Requirement> kept = new TreeSet<>();
    for (Requirement r : m.requirements()) {
      boolean explicitNamespace =
          r.key().key().equals(ClusterLabels.NAMESPACE) && r.key().source().equals(Label.K8S);
      if (!explicitNamespace) {
        kept.add(r);
      }
    }
    return LabelSelectorMatcher.of(kept).and(namespaceIs(namespace));
  }

  /**
   * A peer endpoint selector of a CNP ({@code namespace} set) or CCNP ({@code namespace} empty).
   */
  public static LabelSelectorMatcher peer(LabelSelector selector, String namespace) {
    LabelSelectorMatcher m = LabelSelectorMatcher.compile(selector);
    if (m.hasSource(Label.RESERVED)) {
      return m;
    }
    if (!m.hasKey(ClusterLabels.NAMESPACE, K8S_OR_ANY)) {
      if (namespace.isEmpty()) {
        m =
            m.and(
                new Requirement(
                    Label.k8s(ClusterLabels.NAMESPACE, ""),
                    Requirement.Operator.EXISTS,
                    new TreeSet<>()));
      } else if (!m.hasKeyWithPrefix(ClusterLabels.NAMESPACE_LABELS_PREFIX, K8S_OR_ANY)) {
        m = m.and(namespaceIs(namespace));
      }
    }
    return inLocalCluster(m);
  }

  /** Confines a selector to the local cluster unless it names a cluster itself. */
  public static LabelSelectorMatcher inLocalCluster(LabelSelectorMatcher m) {
    if (m.hasKey(ClusterLabels.CLUSTER, K8S_OR_ANY)) {
      return m;
    }
    return m.and(
        new Requirement(
            Label.k8s(ClusterLabels.CLUSTER, ""),
            Requirement.Operator.IN,
            new TreeSet<>(List.of(ClusterLabels.DEFAULT_CLUSTER))));
  }

  public static Requirement namespaceIs(String namespace) {
    return new Requirement(
        Label.k8s(ClusterLabels.NAMESPACE, ""),
        Requirement.Operator.IN,
        new TreeSet<>(List.of(namespace)));
  }
}
