package io.palisade.benchmarks.scale;

import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.LabelSelectorRequirement;
import io.palisade.crds.api.PortProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The policies of a synthetic cluster, like those of Cilium's network-policy scale test: every
 * deployment is selected by the same number of policies (five at the standard shape), each of one
 * kind in turn: L3 from one or two apps of its namespace; L4 from the web and api tiers of its
 * namespace ({@code matchExpressions}) on 8080; L4 from an app of another namespace on one or two
 * ports; from the web tier of its team's namespaces (a namespace-label selector) on 443; and from
 * three apps of its namespace ({@code In}) on its named port.
 */
final class PolicyGenerator {

  static final String NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace";
  static final String TEAM_KEY = "io.cilium.k8s.namespace.labels.team";
  private static final List<Integer> PORTS = List.of(80, 443, 8080, 9090, 5432);
  private static final int KINDS = 5;

  private final SyntheticCluster cluster;
  private final Random random;

  PolicyGenerator(SyntheticCluster cluster, Random random) {
    this.cluster = cluster;
    this.random = random;
  }

  List<PolicyDraft> initial() {
    List<Deployment> deployments = cluster.deployments();
    List<PolicyDraft> out = new ArrayList<>();
    for (int i = 0; i < cluster.shape().policies(); i++) {
      Deployment d = deployments.get(i % deployments.size());
      int kind = i / deployments.size() % KINDS;
      out.add(draft(d, d.app() + "-" + i, kind));
    }
    return out;
  }

  /** A policy of a random kind for a random deployment, named {@code name}. */
  PolicyDraft fresh(String name) {
    Deployment d = cluster.deployments().get(random.nextInt(cluster.deployments().size()));
    return draft(d, name, random.nextInt(KINDS));
  }

  private PolicyDraft draft(Deployment d, String name, int kind) {
    String ns = d.namespace();
    PolicyDraft.From from =
        switch (kind) {
          case 0 -> new PolicyDraft.From(peers(ns, 1 + random.nextInt(2)), List.of());
          case 1 ->
              new PolicyDraft.From(
                  List.of(expression("tier", List.of("web", "api"))), List.of(tcp(8080)));
          case 2 -> new PolicyDraft.From(List.of(otherNamespacePeer(ns)), ports());
          case 3 ->
              new PolicyDraft.From(
                  List.of(new LabelSelector(Map.of(TEAM_KEY, teamOf(ns), "tier", "web"), null)),
                  List.of(tcp(443)));
          default ->
              new PolicyDraft.From(
                  List.of(expression("app", apps(ns, 3))),
                  List.of(new PortProtocol(d.portName(), null, "TCP")));
        };
    return new PolicyDraft(ns, name, 1, d.app(), List.of(from));
  }

  /** An app of namespace {@code ns}, as a peer selector (namespace-scoped by the policy). */
  LabelSelector sameNamespacePeer(String ns) {
    return new LabelSelector(Map.of("app", app(ns)), null);
  }

  /** A port no ingress element of the standard kinds uses, for a port change to move to. */
  PortProtocol otherPort(List<PortProtocol> current) {
    while (true) {
      PortProtocol p = tcp(10_000 + random.nextInt(20_000));
      if (!current.contains(p)) {
        return p;
      }
    }
  }

  private List<LabelSelector> peers(String ns, int n) {
    List<LabelSelector> out = new ArrayList<>();
    for (String app : apps(ns, n)) {
      out.add(new LabelSelector(Map.of("app", app), null));
    }
    return out;
  }

  private List<String> apps(String ns, int n) {
    List<String> out = new ArrayList<>();
    while (out.size() < Math.min(n, cluster.appsIn(ns))) {
      String app = app(ns);
      if (!out.contains(app)) {
        out.add(app);
      }
    }
    return out;
  }

  private String app(String ns) {
    return String.format("app-%02d", random.nextInt(cluster.appsIn(ns)));
  }

  private LabelSelector otherNamespacePeer(String ns) {
    String other = SyntheticCluster.namespaceName(random.nextInt(cluster.shape().namespaces()));
    return new LabelSelector(Map.of(NAMESPACE_KEY, other, "app", app(other)), null);
  }

  private List<PortProtocol> ports() {
    List<PortProtocol> out = new ArrayList<>();
    out.add(tcp(PORTS.get(random.nextInt(PORTS.size()))));
    PortProtocol second = tcp(PORTS.get(random.nextInt(PORTS.size())));
    if (random.nextBoolean() && !out.contains(second)) {
      out.add(second);
    }
    return out;
  }

  private static String teamOf(String ns) {
    return SyntheticCluster.teamOf(Integer.parseInt(ns.substring("ns-".length())));
  }

  private static LabelSelector expression(String key, List<String> values) {
    return new LabelSelector(null, List.of(new LabelSelectorRequirement(key, "In", values)));
  }

  static PortProtocol tcp(int port) {
    return new PortProtocol(Integer.toString(port), null, "TCP");
  }
}
