package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.PolicyRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file of Cilium's example corpus, each loaded on its own: accepted and resolved (the
 * engine agreeing with the reference evaluator on every pod pair of a cluster built from the file's
 * own selectors), or rejected with the reasons recorded in {@code corpus-expected.tsv}. Any change
 * in any file's outcome or reasons fails, so the table is the tally.
 */
class CorpusTest {

  private static final Path CORPUS = Path.of("../corpus/cilium-examples");
  private static final Path EXPECTED = Path.of("src/test/resources/corpus-expected.tsv");
  private static final Path ACTUAL = Path.of("target/corpus-actual.tsv");
  private static final List<int[]> PROBES =
      List.of(
          new int[] {Protocol.TCP.number(), 80},
          new int[] {Protocol.TCP.number(), 8080},
          new int[] {Protocol.UDP.number(), 53},
          new int[] {Protocol.ICMP.number(), 8});

  @Test
  void everyFileHasItsRecordedOutcome() throws IOException {
    Map<String, String> actual = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(CORPUS)) {
      for (Path file : walk.filter(CorpusTest::isYaml).sorted().toList()) {
        actual.put(CORPUS.relativize(file).toString(), outcome(file));
      }
    }
    String table =
        actual.entrySet().stream()
            .map(e -> e.getKey() + "\t" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n"));
    Files.createDirectories(ACTUAL.getParent());
    Files.writeString(ACTUAL, table);
    printTally(actual);
    String expected = Files.readString(EXPECTED);
    assertThat(table)
        .as(
            "corpus outcomes changed; the new table is in %s (copy it to %s once reviewed)",
            ACTUAL.toAbsolutePath(), EXPECTED)
        .isEqualTo(expected);
  }

  private static String outcome(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (text.contains("{{")) {
      return "skipped\tGo template, rendered by cilium-cli before use";
    }
    if (text.contains("kind: CustomResourceDefinition")) {
      return "skipped\tCRD schema";
    }
    PolicyLoader loader = new PolicyLoader();
    LoadResult result = loader.load(CORPUS.relativize(file).toString(), text);
    if (!result.valid()) {
      Set<String> reasons = new TreeSet<>();
      result.errors().forEach(e -> reasons.add(reason(e)));
      return "rejected\t" + String.join(" | ", reasons);
    }
    if (result.policyDocuments() == 0) {
      return "no-policy\tno policy documents";
    }
    List<PolicyRule> rules = result.policySet().rules();
    int flows = resolve(rules, new YamlDocuments().split(text).documents());
    return "accepted\t"
        + result.policyDocuments()
        + " documents, "
        + rules.size()
        + " rules, "
        + flows
        + " flows agree";
  }

  private static String reason(DocumentError e) {
    return e.kind() + " " + e.name() + ": " + e.error();
  }

  /**
   * Builds a cluster with one pod per label set the file's selectors name, decides every pod pair
   * on a few ports with the engine, and checks each against the reference evaluator.
   */
  private static int resolve(List<PolicyRule> rules, List<JsonNode> docs) {
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
    ClusterPolicy cp =
        new ClusterPolicy(new Cluster(nsList, pods), rules, new InMemoryIdentityAllocator());
    List<FlowEndpoint> ends = new ArrayList<>(cp.pods());
    ends.add(cp.endpoint("203.0.113.7").orElseThrow());
    int flows = 0;
    for (FlowEndpoint src : ends) {
      for (FlowEndpoint dst : cp.pods()) {
        if (src.equals(dst)) {
          continue;
        }
        for (int[] probe : PROBES) {
          Verdict engine = cp.decide(src, dst, probe[0], probe[1]).verdict();
          DirectionVerdict eg = cp.explain(Direction.EGRESS, src, dst, probe[0], probe[1]);
          DirectionVerdict in = cp.explain(Direction.INGRESS, dst, src, probe[0], probe[1]);
          Verdict reference = eg.verdict().outranks(in.verdict()) ? eg.verdict() : in.verdict();
          assertThat(engine)
              .as("%s -> %s proto %d port %d", src, dst, probe[0], probe[1])
              .isEqualTo(reference);
          flows++;
        }
      }
    }
    return flows;
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

  private static void printTally(Map<String, String> actual) {
    Map<String, Long> byOutcome =
        actual.values().stream()
            .collect(
                Collectors.groupingBy(
                    v -> v.substring(0, v.indexOf('\t')), TreeMap::new, Collectors.counting()));
    System.out.println("corpus: " + actual.size() + " files " + byOutcome);
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
  }
}
