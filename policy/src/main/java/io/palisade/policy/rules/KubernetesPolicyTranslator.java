package io.palisade.policy.rules;

import static io.palisade.policy.rules.KubernetesSelectors.nullToEmpty;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.selector.IdentitySelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites a Kubernetes {@code networking.k8s.io/v1} NetworkPolicy into one {@link PolicyRule} with
 * Kubernetes' semantics: every direction the policy covers is default deny, each ingress or egress
 * rule is one section of peers times ports, and a rule without peers admits anyone.
 *
 * <p>Translation never throws: an invalid policy (see {@link KubernetesPolicyValidator}) yields a
 * rule whose invalid parts select nothing.
 */
public final class KubernetesPolicyTranslator {

  /** The kind that {@link RuleOrigin}s of translated policies carry. */
  public static final String KIND = "NetworkPolicy";

  /** The namespace of a policy whose metadata names none, as {@code kubectl apply} would use. */
  public static final String DEFAULT_NAMESPACE = "default";

  private KubernetesPolicyTranslator() {}

  /**
   * The policy in the internal form, ready for {@link PolicySet#add(PolicySet.KubernetesPolicy)}.
   */
  public static TranslatedNetworkPolicy translate(NetworkPolicy policy) {
    return new TranslatedNetworkPolicy(rule(policy));
  }

  /** The one rule a NetworkPolicy stands for. */
  public static PolicyRule rule(NetworkPolicy policy) {
    String namespace = DEFAULT_NAMESPACE;
    String name = "";
    if (policy.getMetadata() != null) {
      namespace = Optional.ofNullable(policy.getMetadata().getNamespace()).orElse(namespace);
      name = Optional.ofNullable(policy.getMetadata().getName()).orElse(name);
    }
    NetworkPolicySpec spec =
        Optional.ofNullable(policy.getSpec()).orElseGet(NetworkPolicySpec::new);
    RuleOrigin origin = new RuleOrigin(KIND, namespace, name, "spec");
    Set<Direction> covered = directions(spec);
    List<RuleSection> sections = new ArrayList<>();
    if (covered.contains(Direction.INGRESS)) {
      sections.addAll(ingress(origin, nullToEmpty(spec.getIngress())));
    }
    if (covered.contains(Direction.EGRESS)) {
      sections.addAll(egress(origin, nullToEmpty(spec.getEgress())));
    }
    IdentitySelector subject = KubernetesSelectors.subject(spec.getPodSelector(), namespace);
    PolicyMode mode =
        PolicyMode.of(policy.getMetadata() == null ? null : policy.getMetadata().getAnnotations());
    return new PolicyRule(origin, subject, covered, covered, sections, mode);
  }

  private static List<RuleSection> ingress(
      RuleOrigin origin, List<NetworkPolicyIngressRule> rules) {
    List<RuleSection> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      NetworkPolicyIngressRule r =
          Optional.ofNullable(rules.get(i)).orElseGet(NetworkPolicyIngressRule::new);
      out.add(
          section(origin, "spec.ingress[" + i + "]", Direction.INGRESS, r.getFrom(), r.getPorts()));
    }
    return out;
  }

  private static List<RuleSection> egress(RuleOrigin origin, List<NetworkPolicyEgressRule> rules) {
    List<RuleSection> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      NetworkPolicyEgressRule r =
          Optional.ofNullable(rules.get(i)).orElseGet(NetworkPolicyEgressRule::new);
      out.add(section(origin, "spec.egress[" + i + "]", Direction.EGRESS, r.getTo(), r.getPorts()));
    }
    return out;
  }

  /**
   * The directions a policy covers: those its {@code policyTypes} list, or, when it lists none,
   * ingress always and egress when it has egress rules. Rules of a direction not covered are
   * ignored, as in Kubernetes.
   */
  static Set<Direction> directions(NetworkPolicySpec spec) {
    Set<Direction> out = EnumSet.noneOf(Direction.class);
    List<String> types = nullToEmpty(spec.getPolicyTypes());
    if (types.isEmpty()) {
      out.add(Direction.INGRESS);
      if (!nullToEmpty(spec.getEgress()).isEmpty()) {
        out.add(Direction.EGRESS);
      }
      return out;
    }
    if (types.contains("Ingress")) {
      out.add(Direction.INGRESS);
    }
    if (types.contains("Egress")) {
      out.add(Direction.EGRESS);
    }
    return out;
  }

  /**
   * One rule: peers (absent or empty: anyone, the world included; otherwise ORed) times ports
   * (absent or empty: every port of every protocol).
   */
  private static RuleSection section(
      RuleOrigin origin,
      String path,
      Direction direction,
      List<NetworkPolicyPeer> peers,
      List<NetworkPolicyPort> ports) {
    Optional<List<IdentitySelector>> selectors = Optional.empty();
    if (!nullToEmpty(peers).isEmpty()) {
      List<IdentitySelector> list = new ArrayList<>();
      peers.forEach(p -> list.addAll(KubernetesSelectors.peer(p, origin.namespace())));
      selectors = Optional.of(list);
    }
    List<PortMatch> matches = new ArrayList<>();
    nullToEmpty(ports).forEach(p -> matches.add(port(p)));
    return new RuleSection(origin, path, direction, false, selectors, matches.isEmpty(), matches);
  }

  /**
   * One port entry: a number or range, a name resolved through container ports, or no port for
   * every port of the protocol. The protocol defaults to TCP.
   */
  static PortMatch port(NetworkPolicyPort p) {
    if (p == null) {
      return PortMatch.numeric(Protocol.TCP, 0, 0, Optional.empty());
    }
    Protocol protocol =
        switch (p.getProtocol() == null ? "TCP" : p.getProtocol()) {
          case "TCP" -> Protocol.TCP;
          case "UDP" -> Protocol.UDP;
          case "SCTP" -> Protocol.SCTP;
          default -> null;
        };
    if (protocol == null) {
      // An unknown protocol matches no packet: no container port has an empty name.
      return PortMatch.named(Protocol.TCP, "", Optional.empty());
    }
    IntOrString port = p.getPort();
    if (port == null || (port.getIntVal() == null && port.getStrVal() == null)) {
      return PortMatch.numeric(protocol, 0, 0, Optional.empty());
    }
    if (port.getIntVal() != null) {
      int number = port.getIntVal();
      if (number < 1 || number > 65535) {
        // Out of range: matches nothing rather than every port, as port 0 would.
        return PortMatch.named(protocol, "", Optional.empty());
      }
      int end = p.getEndPort() == null ? number : Math.min(p.getEndPort(), 65535);
      return PortMatch.numeric(protocol, number, end, Optional.empty());
    }
    return PortMatch.named(protocol, port.getStrVal(), Optional.empty());
  }
}
