package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.SelectorCluster;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.validate.DocumentValidator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutations of valid documents (the samples and Cilium's corpus) fed to the loader, the validator
 * and the engine, for a bounded time (30 s by default, {@code -Dfuzz.seconds=N} to change).
 *
 * <p>What must hold for every mutant M of a valid document D, resolved on a small cluster built
 * from D's selectors (every pod and an outside address as sources, ports 80/TCP, 8080/TCP, 53/UDP
 * and ICMP echo):
 *
 * <ol>
 *   <li>loading, validating and resolving M never throws, takes under 2 s and allocates at most 256
 *       MiB;
 *   <li>if M is valid and, as parsed, says the same as D in every field that has a meaning (all but
 *       annotations, labels and descriptions), M allows exactly D's cells: no edit widens (or
 *       narrows) access without showing in what the document says;
 *   <li>if M is D written again with other YAML (flow style, keys reordered, aliases for repeated
 *       subtrees, merge keys with decoys: {@link TwinWriter}), M is valid, parses to D's trees and
 *       has D's MapStates: the parser agrees with an independent writer about what YAML means.
 * </ol>
 *
 * <p>"Never wider" cannot hold for every mutant: one changed letter in a deny selector widens
 * access and is still a valid policy, whose meaning only its author knows. What the validator owes
 * is that the engine enforces what the document, read as Kubernetes reads it, says; a mutant that
 * is valid and wider therefore must differ from D in a field with a meaning (2), and is counted.
 */
class LoaderFuzzTest {

  private static final long BUDGET_NANOS = Long.getLong("fuzz.seconds", 30) * 1_000_000_000L;
  private static final long MAX_ALLOCATED = 256L * 1024 * 1024;
  private static final List<String> TOKENS =
      List.of(
          "&a ",
          "*a",
          "<<: *a",
          "<<: ",
          "---\n",
          "!!str ",
          "!!int ",
          "? ",
          "~",
          "\"\\0\"",
          "&a [*a]",
          "99999999999999999999",
          "4294967377",
          "010.0.0.0/8",
          "(a)\\1",
          "- ",
          ": ",
          "{",
          "}",
          "[",
          "]",
          ",",
          "#",
          "|\n",
          ">\n",
          "'",
          "\"",
          "\t",
          "\n",
          "  ",
          "\u00e9",
          "fromEndpoint",
          "toPort",
          "ingressDeny",
          "egressDeny",
          "matchLabels",
          "{}",
          "[]",
          "0",
          "-1",
          "65536",
          "null",
          "yes",
          "0.0.0.0/0",
          "::/0",
          "world",
          "all",
          "*");
  private static final char[] CHARS = ":-[]{}&*!|>'\"#%@,?\n \t0189az<".toCharArray();

  private static final long START = System.nanoTime();
  private static final AtomicLong EXECUTIONS = new AtomicLong();
  private static final AtomicLong FIRST = new AtomicLong();
  private static final AtomicLong LAST = new AtomicLong();
  private static final AtomicLong VALID = new AtomicLong();
  private static final AtomicLong TWINS = new AtomicLong();
  private static final AtomicLong WIDER_BY_MEANING = new AtomicLong();
  private static final AtomicLong MAX_SEEN_ALLOCATED = new AtomicLong();
  private static final Set<String> OUTCOMES = ConcurrentHashMap.newKeySet();
  private static final Map<String, Seed> SEEDS = new ConcurrentHashMap<>();

  /** One text edit; {@code kind} {@value #TWIN} rewrites the whole text as its twin. */
  record Mutation(int kind, double where, int length, int token, long seed) {}

  private static final int TWIN = 8;

  @Provide
  Arbitrary<String> seeds() throws IOException {
    return Arbitraries.of(seedFiles());
  }

  @Provide
  Arbitrary<List<Mutation>> mutations() {
    Arbitrary<Mutation> one =
        Combinators.combine(
                Arbitraries.integers().between(0, TWIN),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 40),
                Arbitraries.integers().between(0, TOKENS.size() - 1),
                Arbitraries.longs())
            .as(Mutation::new);
    return one.list().ofMinSize(1).ofMaxSize(3);
  }

  @Property(tries = 20_000, edgeCases = EdgeCasesMode.NONE)
  void noMutationChangesAccessWithoutChangingWhatTheDocumentSays(
      @ForAll("seeds") String file, @ForAll("mutations") List<Mutation> mutations) {
    if (System.nanoTime() - START > BUDGET_NANOS) {
      return;
    }
    Seed seed = SEEDS.computeIfAbsent(file, Seed::of);
    String text = seed.text;
    boolean twin = false;
    for (Mutation m : mutations) {
      twin |= m.kind == TWIN;
      text = m.kind == TWIN ? twinOf(text, m.seed) : mutate(text, m);
    }
    EXECUTIONS.incrementAndGet();
    FIRST.compareAndSet(0, System.nanoTime());

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocated = threads.getCurrentThreadAllocatedBytes();
    long started = System.nanoTime();
    LoadResult mutant = new PolicyLoader().load(file, text);
    List<JsonNode> docs = new YamlDocuments().split(text).documents();
    ClusterPolicy cp =
        mutant.valid() ? SelectorCluster.policy(seed.cluster, mutant.policySet().rules()) : null;
    allocated = threads.getCurrentThreadAllocatedBytes() - allocated;
    MAX_SEEN_ALLOCATED.accumulateAndGet(allocated, Math::max);
    assertThat(System.nanoTime() - started).as("time to load").isLessThan(2_000_000_000L);
    assertThat(allocated).as("bytes allocated to load").isLessThan(MAX_ALLOCATED);

    if (twin && mutations.stream().allMatch(m -> m.kind == TWIN)) {
      TWINS.incrementAndGet();
      assertThat(mutant.errors()).as("the twin of a valid document").isEmpty();
      assertThat(meaningOf(docs)).isEqualTo(seed.meaning);
      assertThat(SelectorCluster.mapStates(cp)).isEqualTo(seed.mapStates);
    }
    if (cp == null) {
      LAST.set(System.nanoTime());
      OUTCOMES.add(errorShape(mutant));
      return;
    }
    VALID.incrementAndGet();
    Set<String> cells = SelectorCluster.allowed(cp);
    boolean sameMeaning = meaningOf(docs).equals(seed.meaning);
    if (sameMeaning) {
      assertThat(cells).as("cells of a mutant that says the same").isEqualTo(seed.cells);
    } else if (cells.containsAll(seed.cells) && cells.size() > seed.cells.size()) {
      WIDER_BY_MEANING.incrementAndGet();
    }
    LAST.set(System.nanoTime());
    OUTCOMES.add(
        "valid, "
            + (sameMeaning ? "same meaning" : "meaning changed")
            + ", "
            + relation(seed.cells, cells));
  }

  @AfterContainer
  static void report() {
    System.out.printf(
        "fuzz: %d executions in %.1f s, %d valid mutants (%d twins), %d distinct outcomes, %d"
            + " valid mutants wider by a changed meaning, at most %d MiB allocated by one%n",
        EXECUTIONS.get(),
        (LAST.get() - FIRST.get()) / 1e9,
        VALID.get(),
        TWINS.get(),
        OUTCOMES.size(),
        WIDER_BY_MEANING.get(),
        MAX_SEEN_ALLOCATED.get() >> 20);
    assertThat(EXECUTIONS.get()).as("executions").isPositive();
  }

  /** A valid document and what it resolves to on its own small cluster. */
  private record Seed(
      String text,
      Cluster cluster,
      List<String> meaning,
      Set<String> cells,
      Map<String, MapState> mapStates) {

    static Seed of(String file) {
      try {
        String text = Files.readString(Path.of(file));
        LoadResult r = new PolicyLoader().load(file, text);
        assertThat(r.errors()).as("seed " + file).isEmpty();
        List<JsonNode> docs = new YamlDocuments().split(text).documents();
        Cluster cluster = SelectorCluster.of(docs);
        ClusterPolicy cp = SelectorCluster.policy(cluster, r.policySet().rules());
        return new Seed(
            text,
            cluster,
            meaningOf(docs),
            SelectorCluster.allowed(cp),
            SelectorCluster.mapStates(cp));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The policy documents with what carries no meaning removed, in a canonical order. */
  private static List<String> meaningOf(List<JsonNode> docs) {
    List<String> out = new ArrayList<>();
    for (JsonNode doc : docs) {
      if (doc == null || !doc.isObject() || DocumentValidator.kindOf(doc).isEmpty()) {
        continue;
      }
      ObjectNode copy = doc.deepCopy();
      copy.remove("status");
      if (copy.get("metadata") instanceof ObjectNode meta) {
        meta.remove(List.of("annotations", "labels"));
      }
      if (copy.get("spec") instanceof ObjectNode spec) {
        spec.remove("description");
      }
      copy.path("specs").forEach(s -> ((ObjectNode) s).remove("description"));
      out.add(canonical(copy).toString());
    }
    out.sort(null);
    return out;
  }

  /** The tree with every mapping's keys sorted: key order carries no meaning. */
  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      ObjectNode sorted = JsonNodeFactory.instance.objectNode();
      new TreeMap<>(
              node.properties().stream()
                  .collect(
                      java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
          .forEach((k, v) -> sorted.set(k, canonical(v)));
      return sorted;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(n -> copy.add(canonical(n)));
      return copy;
    }
    return node;
  }

  private static String mutate(String text, Mutation m) {
    if (text.isEmpty()) {
      return TOKENS.get(m.token);
    }
    int at = Math.min(text.length() - 1, (int) (m.where * text.length()));
    int lineStart = text.lastIndexOf('\n', at) + 1;
    int lineEnd = text.indexOf('\n', at) < 0 ? text.length() : text.indexOf('\n', at) + 1;
    String line = text.substring(lineStart, lineEnd);
    return switch (m.kind) {
      case 0 -> text.substring(0, at) + CHARS[m.token % CHARS.length] + text.substring(at + 1);
      case 1 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + m.length));
      case 2 -> text.substring(0, lineEnd) + line + text.substring(lineEnd);
      case 3 -> text.substring(0, lineStart) + text.substring(lineEnd);
      case 4 -> text.substring(0, at) + TOKENS.get(m.token) + text.substring(at);
      case 5 -> text.substring(0, lineStart) + "  " + text.substring(lineStart);
      case 6 ->
          line.startsWith("  ")
              ? text.substring(0, lineStart) + text.substring(lineStart + 2)
              : text;
      default -> {
        // Swap this line with one further on.
        int other = text.indexOf('\n', Math.min(text.length(), lineEnd + m.length));
        if (other < 0) {
          yield text;
        }
        int otherStart = text.lastIndexOf('\n', other - 1) + 1;
        String second = text.substring(otherStart, other + 1);
        if (otherStart < lineEnd) {
          yield text;
        }
        yield text.substring(0, lineStart)
            + second
            + text.substring(lineEnd, otherStart)
            + line
            + text.substring(other + 1);
      }
    };
  }

  /** The twin of a text that still parses; a text that does not is left as it is. */
  private static String twinOf(String text, long seed) {
    YamlDocuments.Split split = new YamlDocuments().split(text);
    if (split.problem().isPresent()) {
      return text;
    }
    return new TwinWriter(seed).write(split.documents());
  }

  private static String relation(Set<String> before, Set<String> after) {
    if (after.equals(before)) {
      return "same cells";
    }
    if (after.containsAll(before)) {
      return "wider";
    }
    return before.containsAll(after) ? "narrower" : "different";
  }

  /** The errors with values, numbers and places blanked, so that similar failures count once. */
  private static String errorShape(LoadResult r) {
    List<String> shapes = new ArrayList<>();
    for (DocumentError e : r.errors()) {
      shapes.add(
          e.error()
              .toString()
              .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"…\"")
              .replaceAll("[0-9]+", "N"));
    }
    shapes.sort(null);
    return String.join(" | ", shapes.stream().distinct().toList());
  }

  private static List<String> seedFiles() throws IOException {
    List<String> files = new ArrayList<>();
    for (String dir : List.of("../config/samples/policies", "../config/samples/l7")) {
      try (Stream<Path> walk = Files.list(Path.of(dir))) {
        walk.map(Path::toString).sorted().forEach(files::add);
      }
    }
    for (String row : Files.readAllLines(Path.of("src/test/resources/corpus-expected.tsv"))) {
      String[] cols = row.split("\t");
      if (cols.length > 1 && cols[1].equals("accepted")) {
        files.add("../corpus/cilium-examples/" + cols[0]);
      }
    }
    return files;
  }
}
