package io.palisade.policy.flow;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.palisade.crds.api.CIDRRule;
import io.palisade.crds.api.DefaultDeny;
import io.palisade.crds.api.EgressDenyRule;
import io.palisade.crds.api.EgressRule;
import io.palisade.crds.api.ICMPField;
import io.palisade.crds.api.ICMPRule;
import io.palisade.crds.api.IngressDenyRule;
import io.palisade.crds.api.IngressRule;
import io.palisade.crds.api.L7Rules;
import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.LabelSelectorRequirement;
import io.palisade.crds.api.PortDenyRule;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRule;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.Rule;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.resolve.NamedPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** Random clusters and random valid Cilium rules over a small universe of labels and addresses. */
final class RandomPolicies {

  static final List<String> NAMESPACES = List.of("x", "y");

  /** Addresses outside the cluster; 10.0.0.200 shares blocks with the pods (10.0.0.1-7). */
  static final List<String> OUTSIDE =
      List.of("192.168.1.5", "192.168.2.7", "8.8.8.8", "10.0.0.200");

  static final List<String> PORTS = List.of("0", "53", "80", "81", "8080", "http", "dns");

  private final Random random;

  RandomPolicies(Random random) {
    this.random = random;
  }

  Cluster cluster() {
    List<Namespace> namespaces =
        List.of(new Namespace("x", Map.of("team", "a")), new Namespace("y", Map.of("team", "b")));
    List<Pod> pods = new ArrayList<>();
    int n = 3 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      Map<String, String> labels = new HashMap<>();
      labels.put("app", pick(List.of("a", "b", "c")));
      if (random.nextBoolean()) {
        labels.put("tier", pick(List.of("fe", "be")));
      }
      Set<NamedPort> ports = new HashSet<>();
      if (random.nextBoolean()) {
        ports.add(new NamedPort("http", Protocol.TCP, pick(List.of(80, 8080))));
      }
      if (random.nextInt(3) == 0) {
        ports.add(new NamedPort("dns", Protocol.UDP, 53));
      }
      pods.add(
          new Pod(
              pick(NAMESPACES),
              "p" + i,
              labels,
              Optional.empty(),
              Optional.of("10.0.0." + (i + 1)),
              ports));
    }
    return new Cluster(namespaces, pods);
  }

  Rule rule() {
    List<IngressRule> ingress =
        list(
            () ->
                new IngressRule(
                    endpointsOrNull(),
                    null,
                    null,
                    cidrSetOrNull(),
                    entitiesOrNull(),
                    null,
                    null,
                    allowPortsOrNull(),
                    icmpsOrNull(),
                    null));
    List<IngressDenyRule> ingressDeny =
        list(
            () ->
                new IngressDenyRule(
                    endpointsOrNull(),
                    null,
                    null,
                    cidrSetOrNull(),
                    null,
                    null,
                    null,
                    denyPortsOrNull(),
                    null));
    List<EgressRule> egress =
        list(
            () ->
                new EgressRule(
                    endpointsOrNull(),
                    null,
                    cidrOrNull(),
                    null,
                    entitiesOrNull(),
                    null,
                    null,
                    null,
                    null,
                    allowPortsOrNull(),
                    icmpsOrNull(),
                    null));
    List<EgressDenyRule> egressDeny =
        list(
            () ->
                new EgressDenyRule(
                    endpointsOrNull(),
                    null,
                    null,
                    cidrSetOrNull(),
                    null,
                    null,
                    null,
                    null,
                    denyPortsOrNull(),
                    null));
    DefaultDeny dd = random.nextInt(3) == 0 ? new DefaultDeny(maybeBool(), maybeBool()) : null;
    if (ingress == null && ingressDeny == null && egress == null && egressDeny == null) {
      ingress =
          List.of(new IngressRule(null, null, null, null, null, null, null, null, null, null));
    }
    return new Rule(
        selector(), null, ingress, ingressDeny, egress, egressDeny, null, dd, null, null);
  }

  private Boolean maybeBool() {
    int r = random.nextInt(3);
    return r == 0 ? null : r == 1;
  }

  /**
   * Picks which L3 kind an element uses, keeping the kinds mutually exclusive as Cilium requires.
   */
  private int l3Kind = 0;

  private <T> List<T> list(java.util.function.Supplier<T> element) {
    if (random.nextInt(3) == 0) {
      return null;
    }
    List<T> out = new ArrayList<>();
    int n = random.nextInt(3);
    for (int i = 0; i < n; i++) {
      l3Kind = random.nextInt(5);
      out.add(element.get());
    }
    return out;
  }

  private LabelSelector selector() {
    return switch (random.nextInt(6)) {
      case 0 -> LabelSelector.wildcard();
      case 1 -> new LabelSelector(Map.of("app", pick(List.of("a", "b", "c"))), null);
      case 2 ->
          new LabelSelector(
              null,
              List.of(
                  new LabelSelectorRequirement(
                      "app", "In", List.of("a", pick(List.of("b", "c"))))));
      case 3 ->
          new LabelSelector(
              null,
              List.of(
                  new LabelSelectorRequirement(
                      "tier", pick(List.of("Exists", "DoesNotExist")), null)));
      case 4 ->
          new LabelSelector(
              Map.of("k8s:app", pick(List.of("a", "b"))),
              List.of(new LabelSelectorRequirement("tier", "NotIn", List.of("fe"))));
      default ->
          new LabelSelector(
              Map.of(
                  pick(
                      List.of(
                          "k8s:io.kubernetes.pod.namespace",
                          "io.cilium.k8s.namespace.labels.team")),
                  pick(List.of("x", "y", "a", "b"))),
              null);
    };
  }

  private List<LabelSelector> endpointsOrNull() {
    if (l3Kind != 1) {
      return null;
    }
    int n = random.nextInt(3);
    List<LabelSelector> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(selector());
    }
    return out;
  }

  private List<String> entitiesOrNull() {
    if (l3Kind != 2) {
      return null;
    }
    return List.of(pick(List.of("world", "cluster", "all", "host")));
  }

  private List<String> cidrOrNull() {
    if (l3Kind != 3) {
      return null;
    }
    return List.of(pick(List.of("192.168.0.0/16", "0.0.0.0/0", "8.8.8.8/32", "10.0.0.0/8")));
  }

  private List<CIDRRule> cidrSetOrNull() {
    if (l3Kind != 3 && l3Kind != 4) {
      return null;
    }
    List<String> except = random.nextBoolean() ? List.of("192.168.2.0/24") : null;
    return List.of(new CIDRRule(pick(List.of("192.168.0.0/16", "0.0.0.0/0")), null, null, except));
  }

  private List<PortRule> allowPortsOrNull() {
    if (random.nextInt(3) == 0) {
      return null;
    }
    List<PortRule> out = new ArrayList<>();
    int n = 1 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      PortProtocol pp = portProtocol();
      boolean l7 = "TCP".equals(pp.protocol()) && !pp.port().equals("0") && random.nextInt(4) != 0;
      L7Rules rules =
          l7
              ? new L7Rules(List.of(new PortRuleHTTP("/", "GET", null, null, null)), null, null)
              : null;
      out.add(new PortRule(List.of(pp), rules, null, null, null, null));
    }
    return out;
  }

  private List<PortDenyRule> denyPortsOrNull() {
    if (random.nextInt(3) == 0) {
      return null;
    }
    return List.of(new PortDenyRule(List.of(portProtocol())));
  }

  private List<ICMPRule> icmpsOrNull() {
    if (random.nextInt(6) != 0) {
      return null;
    }
    return List.of(
        new ICMPRule(List.of(new ICMPField(null, new IntOrString(pick(List.of(8, 0)))))));
  }

  private PortProtocol portProtocol() {
    String port = pick(PORTS);
    String proto = pick(java.util.Arrays.asList("TCP", "TCP", "TCP", "UDP", "ANY", null));
    Integer end =
        port.matches("[1-9][0-9]*") && random.nextInt(3) == 0
            ? Integer.parseInt(port) + pick(List.of(5, 10, 100))
            : null;
    return new PortProtocol(port, end, proto);
  }

  <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
