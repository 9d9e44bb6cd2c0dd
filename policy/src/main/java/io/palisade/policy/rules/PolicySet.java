package io.palisade.policy.rules;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.crds.api.Rule;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.policy.identity.CidrPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validated policy objects of every kind, rewritten into internal rules. CIDR groups are collected
 * first so that rules referring to them see every group of the set.
 */
public final class PolicySet {

  private final List<CiliumNetworkPolicy> cnps = new ArrayList<>();
  private final List<CiliumClusterwideNetworkPolicy> ccnps = new ArrayList<>();
  private final List<KubernetesPolicy> knps = new ArrayList<>();
  private final CidrGroups cidrGroups = new CidrGroups();
  private ClusterServices services = ClusterServices.none();

  /** A Kubernetes NetworkPolicy already translated, since its rules need no CIDR groups. */
  public interface KubernetesPolicy {
    List<PolicyRule> rules();
  }

  public PolicySet add(CiliumNetworkPolicy cnp) {
    cnps.add(cnp);
    return this;
  }

  public PolicySet add(CiliumClusterwideNetworkPolicy ccnp) {
    ccnps.add(ccnp);
    return this;
  }

  public PolicySet add(KubernetesPolicy knp) {
    knps.add(knp);
    return this;
  }

  /** Adds a validated policy object of any kind the loader reads. */
  public PolicySet add(HasMetadata object) {
    return switch (object) {
      case CiliumNetworkPolicy cnp -> add(cnp);
      case CiliumClusterwideNetworkPolicy ccnp -> add(ccnp);
      case CiliumCIDRGroup group -> add(group);
      case NetworkPolicy knp -> add(KubernetesPolicyTranslator.translate(knp));
      default -> throw new IllegalArgumentException("not a policy kind: " + object.getKind());
    };
  }

  public PolicySet add(CiliumCIDRGroup group) {
    List<CidrPrefix> cidrs = new ArrayList<>();
    if (group.getSpec() != null && group.getSpec().externalCIDRs() != null) {
      group.getSpec().externalCIDRs().forEach(c -> CidrPrefix.parse(c).ifPresent(cidrs::add));
    }
    Map<String, String> labels = group.getMetadata().getLabels();
    cidrGroups.put(group.getMetadata().getName(), labels, cidrs);
    return this;
  }

  /** The cluster's Services, for {@code toServices}; without them a Service selects nothing. */
  public PolicySet services(ClusterServices services) {
    this.services = services;
    return this;
  }

  /** Every rule of every policy in the set. */
  public List<PolicyRule> rules() {
    List<PolicyRule> out = new ArrayList<>();
    for (CiliumNetworkPolicy p : cnps) {
      String ns = Optional.ofNullable(p.getMetadata().getNamespace()).orElse("default");
      translate(
          "CiliumNetworkPolicy",
          ns,
          p.getMetadata().getName(),
          PolicyMode.of(p.getMetadata().getAnnotations()),
          p.getSpec(),
          p.getSpecs(),
          out);
    }
    for (CiliumClusterwideNetworkPolicy p : ccnps) {
      translate(
          "CiliumClusterwideNetworkPolicy",
          "",
          p.getMetadata().getName(),
          PolicyMode.of(p.getMetadata().getAnnotations()),
          p.getSpec(),
          p.getSpecs(),
          out);
    }
    knps.forEach(k -> out.addAll(k.rules()));
    return out;
  }

  private void translate(
      String kind,
      String ns,
      String name,
      PolicyMode mode,
      Rule spec,
      List<Rule> specs,
      List<PolicyRule> out) {
    CiliumRuleTranslator t = new CiliumRuleTranslator(kind, ns, name, cidrGroups, services);
    if (spec != null) {
      out.add(t.translate(spec, "spec").withMode(mode));
    }
    if (specs != null) {
      for (int i = 0; i < specs.size(); i++) {
        out.add(t.translate(specs.get(i), "specs[" + i + "]").withMode(mode));
      }
    }
  }
}
