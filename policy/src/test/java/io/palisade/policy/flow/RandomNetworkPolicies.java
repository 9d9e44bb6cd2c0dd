package io.palisade.policy.flow;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.validate.KubernetesPolicyValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random valid Kubernetes NetworkPolicies over {@link RandomPolicies}' clusters, whose ipBlocks cut
 * through the pods' addresses (10.0.0.1 to 10.0.0.7) as well as the outside ones, so that pods with
 * the same labels fall on both sides of a block or an except.
 */
final class RandomNetworkPolicies {

  /** The blocks an ipBlock names: pod ranges of several sizes, one pod, and outside ranges. */
  static final List<String> BLOCKS =
      List.of(
          "10.0.0.0/29",
          "10.0.0.0/30",
          "10.0.0.4/30",
          "10.0.0.2/31",
          "10.0.0.3/32",
          "10.0.0.0/8",
          "0.0.0.0/0",
          "192.168.0.0/16");

  private final Random random;

  RandomNetworkPolicies(Random random) {
    this.random = random;
  }

  NetworkPolicy policy(String namespace, String name) {
    List<String> types = new ArrayList<>();
    if (random.nextInt(3) != 0) {
      types.add("Ingress");
    }
    if (random.nextInt(3) != 0) {
      types.add("Egress");
    }
    NetworkPolicy np =
        new NetworkPolicyBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withPodSelector(selector())
            .withPolicyTypes(random.nextInt(4) == 0 ? null : types)
            .withIngress(repeat(this::ingress))
            .withEgress(repeat(this::egress))
            .endSpec()
            .build();
    List<?> errors = KubernetesPolicyValidator.validate(np);
    if (!errors.isEmpty()) {
      throw new IllegalStateException("the generator made an invalid policy: " + errors);
    }
    return np;
  }

  private NetworkPolicyIngressRule ingress() {
    NetworkPolicyIngressRule r = new NetworkPolicyIngressRule();
    r.setFrom(peers());
    r.setPorts(ports());
    return r;
  }

  private NetworkPolicyEgressRule egress() {
    NetworkPolicyEgressRule r = new NetworkPolicyEgressRule();
    r.setTo(peers());
    r.setPorts(ports());
    return r;
  }

  private <T> List<T> repeat(java.util.function.Supplier<T> element) {
    List<T> out = new ArrayList<>();
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      out.add(element.get());
    }
    return out;
  }

  /** Mostly ipBlocks, so that most rules test them; sometimes none, which admits anyone. */
  private List<NetworkPolicyPeer> peers() {
    if (random.nextInt(5) == 0) {
      return null;
    }
    List<NetworkPolicyPeer> out = new ArrayList<>();
    int n = 1 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      NetworkPolicyPeer p = new NetworkPolicyPeer();
      switch (random.nextInt(4)) {
        case 0 -> p.setPodSelector(selector());
        case 1 -> p.setNamespaceSelector(namespaceSelector());
        default -> p.setIpBlock(ipBlock());
      }
      out.add(p);
    }
    return out;
  }

  private IPBlock ipBlock() {
    String cidr = pick(BLOCKS);
    CidrPrefix block = CidrPrefix.parse(cidr).orElseThrow();
    List<String> except = new ArrayList<>();
    for (String e : BLOCKS) {
      CidrPrefix p = CidrPrefix.parse(e).orElseThrow();
      if (block.contains(p) && !block.equals(p) && random.nextInt(3) == 0) {
        except.add(e);
      }
    }
    return new IPBlock(cidr, except.isEmpty() && random.nextBoolean() ? null : except);
  }

  private List<NetworkPolicyPort> ports() {
    if (random.nextInt(3) == 0) {
      return null;
    }
    NetworkPolicyPort p = new NetworkPolicyPort();
    p.setProtocol(pick(java.util.Arrays.asList("TCP", "UDP", null)));
    Object port = pick(List.of(80, 53, 8080, "http", "dns", 0));
    if (port instanceof Integer i && i > 0) {
      p.setPort(new IntOrString(i));
    } else if (port instanceof String s) {
      p.setPort(new IntOrString(s));
    }
    return List.of(p);
  }

  private LabelSelector selector() {
    return switch (random.nextInt(4)) {
      case 0 -> new LabelSelector();
      case 1 -> new LabelSelectorBuilder().withMatchLabels(Map.of("app", pick(APPS))).build();
      case 2 ->
          new LabelSelectorBuilder()
              .addNewMatchExpression()
              .withKey("tier")
              .withOperator(pick(List.of("Exists", "DoesNotExist")))
              .endMatchExpression()
              .build();
      default ->
          new LabelSelectorBuilder()
              .addNewMatchExpression()
              .withKey("app")
              .withOperator("NotIn")
              .withValues(pick(APPS))
              .endMatchExpression()
              .build();
    };
  }

  private LabelSelector namespaceSelector() {
    return random.nextBoolean()
        ? new LabelSelector()
        : new LabelSelectorBuilder()
            .withMatchLabels(Map.of("team", pick(List.of("a", "b"))))
            .build();
  }

  private static final List<String> APPS = List.of("a", "b", "c");

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
