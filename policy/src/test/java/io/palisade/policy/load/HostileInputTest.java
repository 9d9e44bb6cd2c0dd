package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

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
  void fiftyMegabytesAreRefusedBeforeReading() throws IOException {
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
            e -> {
              assertThat(e.format()).startsWith(big + ": is ");
              assertThat(e.format()).contains("a file may hold at most 8388608");
            });
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
    LoadResult r = new PolicyLoader().load("bomb.yaml", y.toString());
    // Jackson binds an alias without copying what it names: the bomb is a list where a string
    // belongs, 26 times, and no 10^26 expansion happens.
    assertThat(r.errors())
        .hasSize(26)
        .allSatisfy(e -> assertThat(e.format()).endsWith(": expected a string, got a list"));
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
    long start = System.nanoTime();
    LoadResult r = new PolicyLoader().load("many.yaml", sb.substring(0, sb.lastIndexOf("good-")));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    assertThat(r.errors()).isEmpty();
    assertThat(r.policyDocuments()).isEqualTo(2000);
  }
}
