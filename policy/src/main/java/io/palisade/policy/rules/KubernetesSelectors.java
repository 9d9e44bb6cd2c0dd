package io.palisade.policy.rules;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.labels.Label;
import io.palisade.policy.selector.CidrSelector;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.IpBlockPodSelector;
import io.palisade.policy.selector.LabelSelectorMatcher;
import io.palisade.policy.selector.NoIdentities;
import io.palisade.policy.selector.Requirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The selectors of a Kubernetes NetworkPolicy as identity selectors, the way Cilium reads them:
 * every key is a {@code k8s:} label, namespace selectors match the {@code
 * io.cilium.k8s.namespace.labels.} labels pods carry, and a pod selector without a namespace
 * selector stays in the policy's namespace.
 */
public final class KubernetesSelectors {

  private static final NoIdentities INVALID =
      new NoIdentities("the selector is invalid; see the validator's errors");

  private KubernetesSelectors() {}

  /** The pods a policy applies to: those of its namespace that {@code podSelector} selects. */
  static IdentitySelector subject(LabelSelector podSelector, String namespace) {
    return requirements(podSelector, "")
        .<IdentitySelector>map(
            r -> LabelSelectorMatcher.of(r).and(PeerInjection.namespaceIs(namespace)))
        .orElse(INVALID);
  }

  /**
   * One {@code from} or {@code to} peer, as the selectors whose union it is: pods by pod and
   * namespace selector (ANDed when both are given), or an IP block. Selectors win over an IP block
   * given beside them, as in Cilium; a peer naming nothing selects nothing.
   */
  static List<IdentitySelector> peer(NetworkPolicyPeer peer, String namespace) {
    if (peer == null) {
      return List.of(new NoIdentities("an empty peer selects nothing"));
    }
    if (peer.getNamespaceSelector() != null || peer.getPodSelector() != null) {
      return List.of(pods(peer.getNamespaceSelector(), peer.getPodSelector(), namespace));
    }
    if (peer.getIpBlock() != null) {
      return ipBlock(peer.getIpBlock());
    }
    return List.of(new NoIdentities("an empty peer selects nothing"));
  }

  private static IdentitySelector pods(
      LabelSelector namespaceSelector, LabelSelector podSelector, String namespace) {
    Optional<List<Requirement>> pod = requirements(podSelector, "");
    Optional<List<Requirement>> ns =
        namespaceSelector == null
            ? Optional.of(List.of(PeerInjection.namespaceIs(namespace)))
            : requirements(namespaceSelector, ClusterLabels.NAMESPACE_LABELS_PREFIX);
    if (pod.isEmpty() || ns.isEmpty()) {
      return INVALID;
    }
    List<Requirement> all = new ArrayList<>(pod.get());
    all.addAll(ns.get());
    if (ns.get().isEmpty()) {
      // An empty namespace selector selects every namespace: any pod, but not the world.
      all.add(
          new Requirement(
              Label.k8s(ClusterLabels.NAMESPACE, ""),
              Requirement.Operator.EXISTS,
              new TreeSet<>()));
    }
    return PeerInjection.inLocalCluster(LabelSelectorMatcher.of(all));
  }

  /**
   * An ipBlock is every address in it, pods' included (Kubernetes' meaning, which its e2e suite
   * checks; a Cilium CIDR rule never matches a pod): the CIDR identities for the addresses outside
   * the cluster, and the pods labelled as lying in it.
   */
  private static List<IdentitySelector> ipBlock(IPBlock block) {
    Optional<CidrPrefix> cidr = cidr(block.getCidr());
    if (cidr.isEmpty()) {
      return List.of(INVALID);
    }
    List<CidrPrefix> except = new ArrayList<>();
    for (String e : nullToEmpty(block.getExcept())) {
      cidr(e).ifPresent(except::add);
    }
    CidrSelector outside = new CidrSelector(cidr.get(), except);
    return List.of(outside, new IpBlockPodSelector(outside));
  }

  /** A CIDR as Kubernetes writes it: always with a prefix length. */
  public static Optional<CidrPrefix> cidr(String text) {
    return text == null || !text.contains("/") ? Optional.empty() : CidrPrefix.parse(text);
  }

  /**
   * The requirements of a selector with every key made a {@code k8s:} label under {@code prefix};
   * empty when an operator is unknown. An absent selector has no requirements.
   */
  static Optional<List<Requirement>> requirements(LabelSelector selector, String prefix) {
    List<Requirement> out = new ArrayList<>();
    if (selector == null) {
      return Optional.of(out);
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        out.add(
            new Requirement(
                Label.k8s(prefix + e.getKey(), ""),
                Requirement.Operator.IN,
                new TreeSet<>(List.of(e.getValue() == null ? "" : e.getValue()))));
      }
    }
    for (LabelSelectorRequirement r : nullToEmpty(selector.getMatchExpressions())) {
      Optional<Requirement.Operator> op =
          r == null ? Optional.empty() : Requirement.Operator.ofName(r.getOperator());
      if (op.isEmpty() || r.getKey() == null) {
        return Optional.empty();
      }
      TreeSet<String> values = new TreeSet<>();
      nullToEmpty(r.getValues()).stream().filter(v -> v != null).forEach(values::add);
      out.add(new Requirement(Label.k8s(prefix + r.getKey(), ""), op.get(), values));
    }
    return Optional.of(out);
  }

  static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
