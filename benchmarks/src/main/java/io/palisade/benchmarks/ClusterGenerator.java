package io.palisade.benchmarks;

import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.cluster.SecurityLabels;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.resolve.NamedPort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A cluster shaped like a multi-team one: 12 teams with a prod, staging and dev namespace each, a
 * few dozen well-known app names, and deployments with several versions and an occasional canary.
 * Namespaces, apps and versions are drawn with skewed (Zipf-like) weights, so a few namespaces and
 * apps hold many identities and most hold few. Each identity is one pod's security labels.
 */
final class ClusterGenerator {

  static final List<String> TEAMS =
      List.of(
          "payments",
          "identity",
          "catalog",
          "search",
          "growth",
          "platform",
          "data",
          "mobile",
          "ads",
          "support",
          "logistics",
          "risk");
  static final List<String> ENVIRONMENTS = List.of("prod", "staging", "dev");
  static final String KUBE_SYSTEM = "kube-system";
  static final String MONITORING = "monitoring";

  private static final List<String> WEB = List.of("frontend", "web", "gateway", "bff");
  private static final List<String> API =
      List.of(
          "api",
          "auth",
          "users",
          "orders",
          "cart",
          "catalog",
          "search",
          "payments",
          "billing",
          "inventory",
          "shipping",
          "notifications",
          "recommendations",
          "reviews",
          "checkout",
          "pricing",
          "ledger",
          "reporting",
          "sessions",
          "webhooks");
  private static final List<String> WORKER =
      List.of("worker", "scheduler", "indexer", "importer", "exporter", "mailer");
  private static final List<String> DATA =
      List.of(
          "postgres",
          "mysql",
          "redis",
          "memcached",
          "kafka",
          "rabbitmq",
          "elasticsearch",
          "mongodb",
          "cassandra",
          "minio");

  private static final List<String> SYSTEM =
      List.of("kube-dns", "metrics-server", "prometheus", "grafana");

  /** One deployment track of an app: the labels that together make one identity. */
  record Workload(String namespace, String app, String version, boolean canary) {}

  private final Random random;
  private final List<Namespace> namespaces = new ArrayList<>();
  private final Map<String, Double> namespaceWeight = new HashMap<>();
  private final Map<String, List<String>> appsByNamespace = new HashMap<>();

  ClusterGenerator(Random random) {
    this.random = random;
    List<Namespace> teamNamespaces = new ArrayList<>();
    for (String team : TEAMS) {
      for (String env : ENVIRONMENTS) {
        teamNamespaces.add(new Namespace(team + "-" + env, Map.of("team", team, "env", env)));
      }
    }
    java.util.Collections.shuffle(teamNamespaces, random);
    for (int i = 0; i < teamNamespaces.size(); i++) {
      Namespace ns = teamNamespaces.get(i);
      namespaces.add(ns);
      namespaceWeight.put(ns.name(), zipf(i, 0.9));
      List<String> apps = new ArrayList<>();
      apps.addAll(sample(WEB, 1 + random.nextInt(2)));
      apps.addAll(sample(API, 4 + random.nextInt(12)));
      apps.addAll(sample(WORKER, random.nextInt(4)));
      apps.addAll(sample(DATA, 1 + random.nextInt(4)));
      java.util.Collections.shuffle(apps, random);
      appsByNamespace.put(ns.name(), apps);
    }
    namespaces.add(new Namespace(KUBE_SYSTEM, Map.of("purpose", "system")));
    namespaces.add(new Namespace(MONITORING, Map.of("purpose", "system")));
  }

  List<Namespace> namespaces() {
    return namespaces;
  }

  Namespace namespace(String name) {
    return namespaces.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }

  /**
   * {@code count} distinct workloads drawn without replacement by weight, in draw order (weighted
   * reservoir keys, Efraimidis–Spirakis), so the first n of a larger draw are a draw of n. The
   * system workloads (kube-dns, prometheus) always come first.
   */
  List<Workload> workloads(int count) {
    record Keyed(Workload workload, double key) {}
    List<Keyed> candidates = new ArrayList<>();
    for (Namespace ns : namespaces) {
      List<String> apps = appsByNamespace.getOrDefault(ns.name(), List.of());
      for (int a = 0; a < apps.size(); a++) {
        for (int v = 0; v < 6; v++) {
          for (boolean canary : List.of(false, true)) {
            double w =
                namespaceWeight.get(ns.name()) * zipf(a, 0.7) * zipf(v, 1.2) * (canary ? 0.15 : 1);
            Workload wl = new Workload(ns.name(), apps.get(a), "v" + (v + 1), canary);
            // log(u^(1/w)) orders like u^(1/w) and does not underflow for small weights.
            candidates.add(new Keyed(wl, Math.log(random.nextDouble()) / w));
          }
        }
      }
    }
    candidates.sort(Comparator.comparingDouble(Keyed::key).reversed());
    List<Workload> out = new ArrayList<>(systemWorkloads());
    for (Keyed k : candidates) {
      if (out.size() == count) {
        break;
      }
      out.add(k.workload());
    }
    if (out.size() < count) {
      throw new IllegalStateException("the cluster shape holds only " + out.size() + " workloads");
    }
    return out;
  }

  private static List<Workload> systemWorkloads() {
    return List.of(
        new Workload(KUBE_SYSTEM, "kube-dns", "v1", false),
        new Workload(KUBE_SYSTEM, "kube-dns", "v2", false),
        new Workload(KUBE_SYSTEM, "metrics-server", "v1", false),
        new Workload(MONITORING, "prometheus", "v1", false),
        new Workload(MONITORING, "grafana", "v1", false));
  }

  /** The pod of a workload: its labels as Kubernetes would show them, and its container ports. */
  Pod pod(Workload w, int index) {
    Map<String, String> labels = new HashMap<>();
    if (w.namespace().equals(KUBE_SYSTEM)) {
      labels.put("k8s-app", w.app());
    } else {
      labels.put("app", w.app());
      labels.put("tier", tier(w.app()));
    }
    labels.put("version", w.version());
    labels.put("track", w.canary() ? "canary" : "stable");
    Set<NamedPort> ports = new HashSet<>();
    switch (tier(w.app())) {
      case "web" -> ports.add(new NamedPort("http", Protocol.TCP, 8080));
      case "api" -> {
        ports.add(new NamedPort("http", Protocol.TCP, 8080));
        ports.add(new NamedPort("grpc", Protocol.TCP, 50051));
        ports.add(new NamedPort("metrics", Protocol.TCP, 9090));
      }
      case "worker" -> ports.add(new NamedPort("metrics", Protocol.TCP, 9090));
      default -> {}
    }
    return new Pod(
        w.namespace(),
        w.app() + "-" + index,
        labels,
        Optional.of(w.app()),
        Optional.empty(),
        ports);
  }

  /** The identity of a workload's pod, through Cilium's label derivation and filter. */
  io.palisade.policy.identity.Identity identity(Workload w, Pod pod, IdentityAllocator allocator) {
    return allocator.allocate(SecurityLabels.of(pod, namespace(w.namespace())));
  }

  static String tier(String app) {
    if (WEB.contains(app)) {
      return "web";
    }
    if (WORKER.contains(app)) {
      return "worker";
    }
    if (DATA.contains(app)) {
      return "data";
    }
    return SYSTEM.contains(app) ? "system" : "api";
  }

  private List<String> sample(List<String> from, int n) {
    List<String> copy = new ArrayList<>(from);
    java.util.Collections.shuffle(copy, random);
    return copy.subList(0, Math.min(n, copy.size()));
  }

  private static double zipf(int rank, double exponent) {
    return 1 / Math.pow(rank + 1, exponent);
  }
}
