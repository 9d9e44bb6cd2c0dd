package io.palisade.benchmarks.scale;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The cluster of a {@link ScaleShape}, the same for a seed, as the API server would show it:
 * namespaces {@code ns-000…} labelled with a team (five namespaces a team) and an env; deployments
 * dealt round-robin over the namespaces, each with its own {@code app} label and one of four tiers
 * (web, api, worker, db), so every namespace holds the same apps; and each deployment's replicas
 * placed on nodes by a seeded shuffle, exactly {@code pods / nodes} pods a node, replicas of one
 * deployment on different nodes as a scheduler spreads them. Pod IPs come from a /24 a node.
 */
final class SyntheticCluster {

  static final int NAMESPACES_PER_TEAM = 5;

  private final ScaleShape shape;
  private final List<Deployment> deployments = new ArrayList<>();

  SyntheticCluster(ScaleShape shape) {
    if (shape.pods() / shape.nodes() > 250) {
      throw new IllegalArgumentException("a node's /24 holds at most 250 pods");
    }
    this.shape = shape;
    for (int j = 0; j < shape.identities(); j++) {
      int app = j / shape.namespaces();
      deployments.add(
          new Deployment(
              namespaceName(j % shape.namespaces()),
              String.format("app-%02d", app),
              Deployment.TIERS.get(app % Deployment.TIERS.size())));
    }
  }

  ScaleShape shape() {
    return shape;
  }

  List<Deployment> deployments() {
    return deployments;
  }

  /** How many deployments each namespace holds (the first ones may hold one more). */
  int appsIn(String namespace) {
    int index = Integer.parseInt(namespace.substring("ns-".length()));
    int n = shape.namespaces();
    return shape.identities() / n + (index < shape.identities() % n ? 1 : 0);
  }

  static String namespaceName(int index) {
    return String.format("ns-%03d", index);
  }

  static String teamOf(int namespaceIndex) {
    return "team-" + namespaceIndex / NAMESPACES_PER_TEAM;
  }

  List<Namespace> namespaces() {
    List<Namespace> out = new ArrayList<>();
    for (int i = 0; i < shape.namespaces(); i++) {
      out.add(
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(namespaceName(i))
              .withLabels(Map.of("team", teamOf(i), "env", i % 2 == 0 ? "prod" : "staging"))
              .endMetadata()
              .build());
    }
    return out;
  }

  /** Hands every pod to {@code sink}, one at a time, so that no list of 30,000 pods is kept. */
  void pods(Consumer<Pod> sink) {
    Random random = new Random(shape.seed());
    List<Integer> order = shuffled(deployments.size(), random);
    List<Integer> nodes = shuffled(shape.nodes(), random);
    // Dealing the replicas of the shuffled deployments over the shuffled nodes, one after the
    // other, puts the same number of pods on every node and one deployment's replicas apart.
    int k = 0;
    for (int j : order) {
      for (int r = 0; r < shape.replicas(); r++, k++) {
        sink.accept(pod(deployments.get(j), r, nodes.get(k % shape.nodes()), k / shape.nodes()));
      }
    }
  }

  private static List<Integer> shuffled(int n, Random random) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    Collections.shuffle(out, random);
    return out;
  }

  private static Pod pod(Deployment d, int replica, int node, int slot) {
    String ip = "10." + (16 + node / 256) + "." + node % 256 + "." + (slot + 2);
    // pod-template-hash carries no security meaning: the label filter must drop it.
    String hash = Integer.toHexString((d.namespace() + d.app()).hashCode() & 0xfffff);
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(d.namespace())
        .withName(d.app() + "-" + hash + "-" + replica)
        .withLabels(Map.of("app", d.app(), "tier", d.tier(), "pod-template-hash", hash))
        .endMetadata()
        .withNewSpec()
        .withNodeName(ScaleShape.nodeName(node))
        .addNewContainer()
        .withName(d.app())
        .addNewPort()
        .withName(d.portName())
        .withContainerPort(d.portNumber())
        .withProtocol("TCP")
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .addNewPodIP()
        .withIp(ip)
        .endPodIP()
        .endStatus()
        .build();
  }
}
