package io.palisade.benchmarks;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.palisade.crds.api.CIDRRule;
import io.palisade.crds.api.EgressDenyRule;
import io.palisade.crds.api.EgressRule;
import io.palisade.crds.api.IngressDenyRule;
import io.palisade.crds.api.IngressRule;
import io.palisade.crds.api.L7Rules;
import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.PortDenyRule;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRule;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.Rule;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * CiliumNetworkPolicies written the way application teams write them: each selects one app (now and
 * then a tier or the whole namespace) and allows ingress from a few label selectors (same
 * namespace, another namespace, a whole team's namespaces, Prometheus) on the app's ports, some
 * with HTTP rules; about a third also restrict egress (to a database, kube-dns, an external CIDR or
 * the world), and a few deny traffic from dev namespaces or SMTP to the world.
 */
final class RuleGenerator {

  private static final String NAMESPACE_KEY = "k8s:io.kubernetes.pod.namespace";
  private static final String TEAM_KEY = "io.cilium.k8s.namespace.labels.team";
  private static final String ENV_KEY = "io.cilium.k8s.namespace.labels.env";
  private static final Map<String, List<String>> DATA_PORTS =
      Map.of(
          "postgres", List.of("5432"),
          "mysql", List.of("3306"),
          "redis", List.of("6379"),
          "memcached", List.of("11211"),
          "kafka", List.of("9092-9095"),
          "rabbitmq", List.of("5672"),
          "elasticsearch", List.of("9200", "9300"),
          "mongodb", List.of("27017"),
          "cassandra", List.of("9042"),
          "minio", List.of("9000"));

  private final Random random;
  private final Map<String, List<String>> appsByNamespace = new LinkedHashMap<>();
  private final List<ClusterGenerator.Workload> workloads;

  RuleGenerator(Random random, List<ClusterGenerator.Workload> workloads) {
    this.random = random;
    this.workloads =
        workloads.stream()
            .filter(w -> !w.namespace().equals(ClusterGenerator.KUBE_SYSTEM))
            .filter(w -> !w.namespace().equals(ClusterGenerator.MONITORING))
            .toList();
    for (ClusterGenerator.Workload w : this.workloads) {
      List<String> apps = appsByNamespace.computeIfAbsent(w.namespace(), n -> new ArrayList<>());
      if (!apps.contains(w.app())) {
        apps.add(w.app());
      }
    }
  }

  /** {@code count} policies; a namespace gets policies in proportion to its identities. */
  List<CiliumNetworkPolicy> policies(int count) {
    List<CiliumNetworkPolicy> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ClusterGenerator.Workload subject = workloads.get(random.nextInt(workloads.size()));
      CiliumNetworkPolicy cnp = new CiliumNetworkPolicy();
      cnp.setMetadata(
          new ObjectMetaBuilder()
              .withNamespace(subject.namespace())
              .withName(subject.app() + "-" + i)
              .build());
      cnp.setSpec(rule(subject.namespace(), subject.app()));
      out.add(cnp);
    }
    return out;
  }

  private Rule rule(String ns, String app) {
    int scope = random.nextInt(100);
    if (scope < 4) {
      // The classic "allow from my own namespace" policy.
      IngressRule sameNamespace = ingress(List.of(LabelSelector.wildcard()), null);
      return PolicyRules.ingressOnly(LabelSelector.wildcard(), List.of(sameNamespace));
    }
    String tier = ClusterGenerator.tier(app);
    LabelSelector subject =
        scope < 11 ? new LabelSelector(Map.of("tier", tier), null) : matchLabels("app", app);
    List<IngressRule> ingress = new ArrayList<>();
    int elements = 1 + random.nextInt(2);
    for (int e = 0; e < elements; e++) {
      ingress.add(ingressElement(ns, tier, app));
    }
    List<EgressRule> egress = random.nextInt(100) < 35 ? egress(ns) : null;
    List<IngressDenyRule> ingressDeny =
        random.nextInt(100) < 6
            ? List.of(
                new IngressDenyRule(
                    List.of(matchLabels(ENV_KEY, "dev")),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null))
            : null;
    List<EgressDenyRule> egressDeny =
        egress != null && random.nextInt(100) < 10
            ? List.of(
                new EgressDenyRule(
                    null,
                    null,
                    null,
                    null,
                    List.of("world"),
                    null,
                    null,
                    null,
                    List.of(new PortDenyRule(List.of(new PortProtocol("25", null, "TCP")))),
                    null))
            : null;
    return new Rule(
        subject, null, ingress, ingressDeny, egress, egressDeny, null, null, null, null);
  }

  private IngressRule ingressElement(String ns, String tier, String app) {
    int kind = random.nextInt(100);
    if (kind < 6) {
      return ingress(
          List.of(
              new LabelSelector(Map.of(NAMESPACE_KEY, "monitoring", "app", "prometheus"), null)),
          List.of(portRule(List.of(port("metrics", "TCP")), false)));
    }
    if (kind < 10 && tier.equals("web")) {
      return new IngressRule(
          null, null, null, null, List.of("world"), null, null, tcp443(), null, null);
    }
    List<LabelSelector> peers = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      peers.add(peer(ns));
    }
    boolean http = !tier.equals("data") && random.nextInt(100) < 10;
    return ingress(peers, List.of(portRule(ports(tier, app), http)));
  }

  /** A peer selector: mostly an app of the same namespace, sometimes wider. */
  private LabelSelector peer(String ns) {
    int kind = random.nextInt(100);
    if (kind < 55) {
      return matchLabels("app", pick(appsByNamespace.get(ns)));
    }
    if (kind < 78) {
      String other = pick(List.copyOf(appsByNamespace.keySet()));
      return new LabelSelector(
          Map.of(NAMESPACE_KEY, other, "app", pick(appsByNamespace.get(other))), null);
    }
    if (kind < 93) {
      return matchLabels("tier", pick(List.of("web", "api", "worker")));
    }
    return matchLabels(TEAM_KEY, ns.substring(0, ns.lastIndexOf('-')));
  }

  private List<PortProtocol> ports(String tier, String app) {
    List<String> choices =
        switch (tier) {
          case "web" -> List.of("80", "443", "8080", "http");
          case "api" -> List.of("8080", "8443", "9000", "http", "grpc", "50051");
          case "worker" -> List.of("metrics", "8080");
          default -> DATA_PORTS.get(app);
        };
    List<PortProtocol> out = new ArrayList<>();
    int n = 1 + random.nextInt(Math.min(3, choices.size()));
    for (String p : choices.subList(0, n)) {
      out.add(port(p, "TCP"));
    }
    return out;
  }

  private List<EgressRule> egress(String ns) {
    List<EgressRule> out = new ArrayList<>();
    List<String> apps = appsByNamespace.get(ns);
    List<String> stores =
        apps.stream().filter(a -> ClusterGenerator.tier(a).equals("data")).toList();
    String db = pick(stores.isEmpty() ? apps : stores);
    out.add(
        egress(List.of(matchLabels("app", db)), null, null, ports(ClusterGenerator.tier(db), db)));
    if (random.nextInt(100) < 70) {
      LabelSelector dns =
          new LabelSelector(Map.of(NAMESPACE_KEY, "kube-system", "k8s-app", "kube-dns"), null);
      out.add(egress(List.of(dns), null, null, List.of(port("53", "UDP"), port("53", "TCP"))));
    }
    int external = random.nextInt(100);
    if (external < 12) {
      int net = 200 + random.nextInt(6);
      CIDRRule cidr =
          new CIDRRule("10." + net + ".0.0/16", null, null, List.of("10." + net + ".255.0/24"));
      out.add(egress(null, List.of(cidr), null, List.of(port("443", "TCP"))));
    } else if (external < 18) {
      out.add(egress(null, null, List.of("world"), List.of(port("443", "TCP"))));
    }
    return out;
  }

  /** An egress element toward endpoints, CIDRs or entities (one of them) on some ports. */
  private static EgressRule egress(
      List<LabelSelector> to,
      List<CIDRRule> cidrs,
      List<String> entities,
      List<PortProtocol> ports) {
    return new EgressRule(
        to,
        null,
        null,
        cidrs,
        entities,
        null,
        null,
        null,
        null,
        List.of(portRule(ports, false)),
        null,
        null);
  }

  private static List<PortRule> tcp443() {
    return List.of(portRule(List.of(port("443", "TCP")), false));
  }

  private static IngressRule ingress(List<LabelSelector> from, List<PortRule> ports) {
    return PolicyRules.fromEndpoints(from, ports);
  }

  private static PortRule portRule(List<PortProtocol> ports, boolean http) {
    L7Rules l7 =
        http
            ? new L7Rules(
                List.of(
                    new PortRuleHTTP("/api/.*", "GET", null, null, null),
                    new PortRuleHTTP("/healthz", "GET", null, null, null)),
                null,
                null)
            : null;
    return new PortRule(ports, l7, null, null, null, null);
  }

  /** A port by number, range ({@code 9092-9095}) or name. */
  private static PortProtocol port(String spec, String protocol) {
    int dash = spec.indexOf('-');
    if (dash > 0) {
      return new PortProtocol(
          spec.substring(0, dash), Integer.parseInt(spec.substring(dash + 1)), protocol);
    }
    return new PortProtocol(spec, null, protocol);
  }

  private static LabelSelector matchLabels(String key, String value) {
    return new LabelSelector(Map.of(key, value), null);
  }

  private <T> T pick(List<T> options) {
    return options.get(random.nextInt(options.size()));
  }
}
