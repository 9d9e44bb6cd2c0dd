package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.policy.Direction;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.SelectorCluster;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.PolicyRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    ClusterPolicy cp = SelectorCluster.policy(SelectorCluster.of(docs), rules);
    int flows = 0;
    for (FlowEndpoint src : SelectorCluster.sources(cp)) {
      for (FlowEndpoint dst : cp.pods()) {
        if (src.equals(dst)) {
          continue;
        }
        for (int[] probe : SelectorCluster.PROBES) {
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
