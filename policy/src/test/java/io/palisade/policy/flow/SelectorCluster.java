package io.palisade.policy.flow;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.rules.PolicyRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A cluster built from the selectors of some policy documents: one pod per label set their {@code
 * matchLabels} name (plus an unlabelled pod and kube-dns), so that the policies select something;
 * and the views of a cluster policy that tests compare: its allowed cells and its MapStates.
 */
public final class SelectorCluster {

  /** The ports every pair is probed on: web, alternate web, DNS, ICMP echo. */
  public static final List<int[]> PROBES =
      List.of(
          new int[] {Protocol.TCP.number(), 80},
          new int[] {Protocol.TCP.number(), 8080},
          new int[] {Protocol.UDP.number(), 53},
          new int[] {Protocol.ICMP.number(), 8});

  /** An address outside the cluster, so that CIDR and entity rules have a peer to decide. */
  public static final String WORLD = "203.0.113.7";

  private SelectorCluster() {}

  public static Cluster of(List<JsonNode> docs) {
    Map<String, Map<String, String>> labelSets = new LinkedHashMap<>();
    // Pods no selector names: unselected peers, and the DNS server egress rules so often allow.
    labelSets.put("default {}", Map.of());
    labelSets.put("kube-system {k8s-app=kube-dns}", Map.of("k8s-app", "kube-dns"));
    Set<String> namespaces = new TreeSet<>(List.of("default", "kube-system"));
    for (JsonNode doc : docs) {
      if (doc == null || !doc.isObject()) {
        continue;
      }
      String ns = doc.path("metadata").path("namespace").asText("default");
      namespaces.add(ns);
      collectLabels(doc.path("spec"), ns, labelSets);
      collectLabels(doc.path("specs"), ns, labelSets);
    }
    List<Pod> pods = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Map<String, String>> e : labelSets.entrySet()) {
      String ns = e.getKey().substring(0, e.getKey().indexOf(' '));
      pods.add(
          new Pod(
              ns,
              "pod" + i,
              e.getValue(),
              Optional.empty(),
              Optional.of("10.1." + (i / 250) + "." + (1 + i % 250)),
              Set.of()));
      i++;
    }
    List<Namespace> nsList = namespaces.stream().map(n -> new Namespace(n, Map.of())).toList();
    return new Cluster(nsList, pods);
  }

  public static ClusterPolicy policy(Cluster cluster, List<PolicyRule> rules) {
    return new ClusterPolicy(cluster, rules, new InMemoryIdentityAllocator());
  }

  /** The sources probed: every pod and {@link #WORLD}. */
  public static List<FlowEndpoint> sources(ClusterPolicy cp) {
    List<FlowEndpoint> ends = new ArrayList<>(cp.pods());
    ends.add(cp.endpoint(WORLD).orElseThrow());
    return ends;
  }

  /** Every (source, destination pod, protocol, port) cell of {@link #PROBES} that is not denied. */
  public static Set<String> allowed(ClusterPolicy cp) {
    Set<String> cells = new TreeSet<>();
    for (FlowEndpoint src : sources(cp)) {
      for (FlowEndpoint dst : cp.pods()) {
        if (src.equals(dst)) {
          continue;
        }
        for (int[] probe : PROBES) {
          if (cp.decide(src, dst, probe[0], probe[1]).verdict() != Verdict.DENY) {
            cells.add(src.name() + " > " + dst.name() + " " + probe[0] + "/" + probe[1]);
          }
        }
      }
    }
    return cells;
  }

  /** Each pod's MapState, by pod name. */
  public static Map<String, MapState> mapStates(ClusterPolicy cp) {
    Map<String, MapState> out = new TreeMap<>();
    for (FlowEndpoint pod : cp.pods()) {
      out.put(pod.name(), cp.engine().policyFor(pod.identity().id()).mapState());
    }
    return out;
  }

  /** Every plain-keyed matchLabels map under {@code node}, as a pod's labels in {@code ns}. */
  private static void collectLabels(
      JsonNode node, String ns, Map<String, Map<String, String>> out) {
    if (node.isArray()) {
      node.forEach(n -> collectLabels(n, ns, out));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (field.getKey().equals("matchLabels") && field.getValue().isObject()) {
        Map<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, JsonNode> l : field.getValue().properties()) {
          if (!l.getKey().contains(":") && !l.getKey().startsWith("io.")) {
            labels.put(l.getKey(), l.getValue().asText());
          }
        }
        if (!labels.isEmpty()) {
          out.putIfAbsent(ns + " " + labels, labels);
        }
      } else {
        collectLabels(field.getValue(), ns, out);
      }
    }
  }
}
