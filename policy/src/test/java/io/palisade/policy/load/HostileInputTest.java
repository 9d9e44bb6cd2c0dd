package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs meant to break a loader: each ends in errors that name the file and the problem, within
 * seconds, and the valid documents beside a broken one still load.
 */
@Timeout(30)
class HostileInputTest {

  private static final String GOOD =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: good, namespace: prod}
      spec:
        endpointSelector: {}
        ingress: [{fromEntities: [cluster]}]
      """;

  @TempDir Path dir;

  @Test
  void fiftyMegabytesAreRefusedAfterReadingOneByteMoreThanTheLimit() throws IOException {
    Path big = dir.resolve("big.yaml");
    byte[] line = "# padding padding padding padding padding padding padding padding\n".getBytes();
    try (var out = Files.newOutputStream(big)) {
      for (long n = 0; n < 50L * 1024 * 1024; n += line.length) {
        out.write(line);
      }
    }
    LoadResult r = new PolicyLoader().load(List.of(big));
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .isEqualTo(big + ": is larger than 8388608 bytes, the most a file may hold"));
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
    LoadResult r = new PolicyLoader().load("deep.yaml", deep);
    assertThat(r.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.format()).startsWith("deep.yaml: document 1 "));
  }

  @Test
  void aliasBombIsRefused() {
    StringBuilder y = new StringBuilder(GOOD).append("  labels:\n");
    y.append("  - {key: a, value: &a [x,x,x,x,x,x,x,x,x,x]}\n");
    char prev = 'a';
    for (char c = 'b'; c <= 'z'; c++) {
      y.append("  - {key: ").append(c).append(", value: &").append(c).append(" [");
      y.append(("*" + prev + ",").repeat(10)).setLength(y.length() - 1);
      y.append("]}\n");
      prev = c;
    }
    // Expanded, the bomb holds 10^25 values: a guard that it is refused, not a speed claim.
    LoadResult r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> new PolicyLoader().load("bomb.yaml", y.toString()));
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .startsWith("bomb.yaml: document 1 at line ")
                    .endsWith(": aliases expand to more than 100000 values in one document"));
  }

  @Test
  void devZeroIsNotARegularFileAndIsNeverRead() {
    // Reading it would never end: a guard that it is not read, not a speed claim.
    LoadResult r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> new PolicyLoader().load(List.of(Path.of("/dev/zero"))));
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .isEqualTo(
                        "/dev/zero: is not a regular file (a device, pipe or socket is never"
                            + " read)"));
  }

  @Test
  void aPipeNamedYamlIsReportedNotWaitedOn() throws Exception {
    Path fifo = dir.resolve("policies/hang.yaml");
    Files.createDirectories(fifo.getParent());
    Files.writeString(dir.resolve("policies/good.yaml"), GOOD);
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    // Named directly and found in a directory, it is refused without being opened: no writer ever
    // comes, so opening it would block forever.
    for (Path given : List.of(fifo, fifo.getParent())) {
      LoadResult r = new PolicyLoader().load(List.of(given));
      assertThat(r.errors())
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.format())
                      .isEqualTo(
                          fifo
                              + ": is not a regular file (a device, pipe or socket is never read)"));
    }
  }

  @Test
  void aSevenMegabyteLabelValueIsRefusedBeforeParsing() {
    String doc =
        GOOD.replace(
            "endpointSelector: {}",
            "endpointSelector: {matchLabels: {app: " + "a".repeat(7_000_000) + "}}");
    // Refused by the line limit, before the parser sees the value (the message is the limit's).
    LoadResult r = new PolicyLoader().load("label.yaml", doc);
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .isEqualTo(
                        "label.yaml: line 5 has 7000042 characters; a line may hold at most"
                            + " 1048576"));
  }

  @Test
  void aLongValueOverManyLinesIsRefusedAtItsPath() {
    String block = ("      " + "b".repeat(70) + "\n").repeat(4000);
    String doc = GOOD + "  description: |\n" + block;
    LoadResult r = new PolicyLoader().load("block.yaml", doc);
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .isEqualTo(
                        "block.yaml: document 1 at line 7, column 16: spec.description: a value of"
                            + " 284000 characters; a value may hold at most 262144"));
  }

  /** Found by {@link LoaderFuzzTest}: deleting the {@code {}} of {@code egress: [{}]}. */
  @Test
  void aNullListItemIsAnErrorNotACrash() {
    String doc = GOOD.replace("ingress: [{fromEntities: [cluster]}]", "egress:\n    - \n");
    LoadResult r = new PolicyLoader().load("null.yaml", doc);
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .isEqualTo(
                        "null.yaml: CiliumNetworkPolicy prod/good: spec.egress[0]: a list item may"
                            + " not be null (an empty one is {})"));
    assertThat(r.policySet().rules()).isEmpty();
  }

  @Test
  void binaryJunkIsNotUtf8() throws IOException {
    byte[] junk = new byte[64 * 1024];
    new Random(1).nextBytes(junk);
    Path file = dir.resolve("junk.yaml");
    Files.write(file, junk);
    LoadResult r = new PolicyLoader().load(List.of(file));
    assertThat(r.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.format()).isEqualTo(file + ": is not UTF-8 text"));
  }

  @Test
  void printableJunkIsNotYaml() {
    LoadResult r = new PolicyLoader().load("junk.yaml", "kind: [\n\u0001\u0002 {{{ ]]]: :\n");
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.format()).startsWith("junk.yaml: document 1 is not YAML at line ");
              assertThat(e.format()).doesNotContain("\n").doesNotContain("Exception");
            });
  }

  @Test
  void aBrokenDocumentLeavesTheGoodOnesBeforeIt() {
    LoadResult r = new PolicyLoader().load("mixed.yaml", GOOD + "---\nkind: [\n");
    assertThat(r.policySet().rules()).hasSize(1);
    assertThat(r.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.format()).startsWith("mixed.yaml: document 2 is not YAML"));
  }

  @Test
  void anInvalidDocumentContributesNothingAndTheValidOnesStillLoad() {
    String bad = GOOD.replace("good", "bad").replace("[cluster]", "[cluster, planet]");
    LoadResult r = new PolicyLoader().load("two.yaml", GOOD + "---\n" + bad);
    assertThat(r.policySet().rules()).hasSize(1);
    assertThat(r.policySet().rules().get(0).origin().name()).isEqualTo("good");
    assertThat(r.errors())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.format())
                    .isEqualTo(
                        "two.yaml: CiliumNetworkPolicy prod/bad: spec.ingress[0].fromEntities[1]:"
                            + " unsupported entity \"planet\""));
  }

  @Test
  void aHugeValueIsQuotedShort() {
    String bad = GOOD.replace("[cluster]", "[" + "w".repeat(1_000_000) + "]");
    LoadResult r = new PolicyLoader().load("long.yaml", bad);
    assertThat(r.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.format().length()).isLessThan(300));
  }

  @Test
  void aWrongApiVersionAndAMissingNameAreNamed() {
    String doc =
        "apiVersion: cilium.io/v1\nkind: CiliumNetworkPolicy\nmetadata: {}\nspec:\n"
            + "  endpointSelector: {}\n  egress: [{toEntities: [all]}]\n";
    LoadResult r = new PolicyLoader().load("v.yaml", doc);
    assertThat(r.errors())
        .extracting(e -> e.error().toString())
        .containsExactly(
            "apiVersion: \"cilium.io/v1\" is not served for CiliumNetworkPolicy; use cilium.io/v2",
            "metadata.name: must be set");
  }

  @Test
  void loadingIsFastEnoughForAWatchLoop() {
    String many = (GOOD + "---\n").repeat(2000).replace("name: good", "name: good-N");
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String part : many.split("good-N")) {
      sb.append(part);
      sb.append("good-").append(i++);
    }
    LoadResult r = new PolicyLoader().load("many.yaml", sb.substring(0, sb.lastIndexOf("good-")));
    assertThat(r.errors()).isEmpty();
    assertThat(r.policyDocuments()).isEqualTo(2000);
  }
}
