package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.gitops.Upstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code palisade diff} on the Star Wars cluster, where each table is worked out by hand: the
 * sample policy lets the Empire land on the deathstar at 80/TCP; moving that right to the xwing
 * widens one cell and narrows another.
 */
class DiffCommandTest {

  private static final Path SAMPLES = Path.of("../config/samples");
  private static final String CLUSTER = SAMPLES.resolve("cluster.yaml").toString();
  private static final String L3 = SAMPLES.resolve("policies").toString();
  private static final String RULE = "CiliumNetworkPolicy default/rule1 spec.ingress[0]";

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Palisade.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static String l3() throws IOException {
    return Files.readString(SAMPLES.resolve("policies/deathstar-l3-l4.yaml"));
  }

  /** The sample policy with the xwing, not the Empire, allowed to land. */
  private Path xwingOnly() throws IOException {
    Path p = Files.createDirectories(dir.resolve("xwing-only")).resolve("rule1.yaml");
    Files.writeString(
        p,
        l3().replace(
                "- matchLabels:\n            org: empire",
                "- matchLabels:\n            class: xwing"));
    assertThat(Files.readString(p)).contains("class: xwing");
    return p;
  }

  @Test
  void movingTheRightToLandWidensOneCellAndNarrowsAnother() throws IOException {
    Run r =
        run("diff", "--policies", xwingOnly().toString(), "--against", L3, "--cluster", CLUSTER);
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).as("something widened").isEqualTo(3);
    assertThat(r.out().lines())
        .containsExactly(
            "1 cell widened, 1 narrowed, 4 unchanged (3 pods, port 80/TCP)",
            "CHANGE    FROM                TO                 PORT    BEFORE   AFTER    RULE",
            "widened   default/xwing       default/deathstar  80/TCP  DENIED   ALLOWED  " + RULE,
            "narrowed  default/tiefighter  default/deathstar  80/TCP  ALLOWED  DENIED   " + RULE);
  }

  @Test
  void jsonIsAnArrayOfTheChangedCells() throws IOException {
    Run r =
        run(
            "diff",
            "--policies",
            xwingOnly().toString(),
            "--against",
            L3,
            "--cluster",
            CLUSTER,
            "-o",
            "json");
    assertThat(r.code()).isEqualTo(3);
    JsonNode cells = new ObjectMapper().readTree(r.out());
    assertThat(cells).hasSize(2);
    assertThat(cells.get(0).toString())
        .isEqualTo(
            "{\"from\":\"default/xwing\",\"to\":\"default/deathstar\",\"port\":\"80/TCP\","
                + "\"before\":\"DENIED\",\"after\":\"ALLOWED\",\"rule\":\""
                + RULE
                + "\"}");
    assertThat(cells.get(1).get("from").asText()).isEqualTo("default/tiefighter");
    assertThat(cells.get(1).get("after").asText()).isEqualTo("DENIED");
  }

  @Test
  void markdownIsTheGoldenComment() throws IOException {
    Run r =
        run(
            "diff",
            "--policies",
            xwingOnly().toString(),
            "--against",
            L3,
            "--cluster",
            CLUSTER,
            "--port",
            "80/TCP",
            "--port",
            "53/UDP",
            "-o",
            "markdown");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEqualTo(golden("widened-and-narrowed.md"));
  }

  @Test
  void onlyNarrowingExitsZeroAndTheRuleIsTheOneThatAllowedBefore() {
    // Before: no policy at all, every cell allowed; after: the sample's.
    Path none = dir.resolve("none");
    Run r = run("diff", "--policies", L3, "--against", emptyDir(none), "--cluster", CLUSTER);
    assertThat(r.code()).isZero();
    assertThat(r.out().lines())
        .containsExactly(
            "0 cells widened, 1 narrowed, 5 unchanged (3 pods, port 80/TCP)",
            "CHANGE    FROM           TO                 PORT    BEFORE   AFTER   RULE",
            "narrowed  default/xwing  default/deathstar  80/TCP  ALLOWED  DENIED  no policy selects"
                + " default/xwing for egress or default/deathstar for ingress");
  }

  @Test
  void removingThePolicyWidensAndNamesTheEndOfEnforcement() {
    Run r =
        run(
            "diff",
            "--policies",
            emptyDir(dir.resolve("none")),
            "--against",
            L3,
            "--cluster",
            CLUSTER,
            "-o",
            "markdown");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out())
        .isEqualTo(
            "**Reachability diff**: 1 cell widened, 0 narrowed, 5 unchanged (3 pods, port"
                + " 80/TCP).\n\n"
                + "| change | from | to | port | before | after | rule |\n"
                + "|---|---|---|---|---|---|---|\n"
                + "| **widened** | `default/xwing` | `default/deathstar` | 80/TCP | DENIED | ALLOWED"
                + " | no policy selects default/xwing for egress or default/deathstar for ingress"
                + " |\n");
  }

  @Test
  void theSamePoliciesChangeNothingAndExitZero() {
    Run r = run("diff", "--policies", L3, "--against", L3, "--cluster", CLUSTER, "-o", "markdown");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "**Reachability diff**: 0 cells widened, 0 narrowed, 6 unchanged (3 pods, port"
                + " 80/TCP).\n");
    assertThat(
            run("diff", "--policies", L3, "--against", L3, "--cluster", CLUSTER, "-o", "json")
                .out()
                .strip())
        .isEqualTo("[ ]");
  }

  @Test
  void aRedirectRanksBetweenADenyAndAnAllow() throws IOException {
    String l7 = SAMPLES.resolve("l7").toString();
    Run fromAllowed =
        run("diff", "--policies", l7, "--against", L3, "--cluster", CLUSTER, "-o", "json");
    assertThat(fromAllowed.code()).as("allowed to redirected narrows").isZero();
    JsonNode narrowed = new ObjectMapper().readTree(fromAllowed.out());
    assertThat(narrowed).hasSize(1);
    assertThat(narrowed.get(0).get("from").asText()).isEqualTo("default/tiefighter");
    assertThat(narrowed.get(0).get("after").asText()).isEqualTo("REDIRECTED");

    Path nobody = Files.createDirectories(dir.resolve("nobody")).resolve("rule1.yaml");
    Files.writeString(
        nobody, l3().replace("org: empire\n      toPorts", "org: nobody\n      toPorts"));
    Run fromDenied =
        run(
            "diff",
            "--policies",
            l7,
            "--against",
            nobody.toString(),
            "--cluster",
            CLUSTER,
            "-o",
            "json");
    assertThat(fromDenied.code()).as("denied to redirected widens").isEqualTo(3);
    JsonNode widened = new ObjectMapper().readTree(fromDenied.out());
    assertThat(widened).hasSize(1);
    assertThat(widened.get(0).get("before").asText()).isEqualTo("DENIED");
    assertThat(widened.get(0).get("after").asText()).isEqualTo("REDIRECTED");
    assertThat(widened.get(0).get("rule").asText()).startsWith("CiliumNetworkPolicy default/");
  }

  @Test
  void invalidPoliciesPrintEveryErrorAsValidateDoesAndExitOne() throws IOException {
    Path bad = Files.createDirectories(dir.resolve("bad")).resolve("bad.yaml");
    Files.writeString(bad, l3().replace("protocol: TCP", "protocol: TCPX"));
    Run validate = run("validate", bad.toString());
    Run r = run("diff", "--policies", bad.toString(), "--against", L3, "--cluster", CLUSTER);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(validate.out()).isNotBlank();
    assertThat(r.err()).isEqualTo(validate.out());
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("diff", "--policies", L3, "--cluster", CLUSTER).code()).isEqualTo(2);
    assertThat(
            run(
                    "diff",
                    "--policies",
                    L3,
                    "--against",
                    L3,
                    "--cluster",
                    CLUSTER,
                    "--port",
                    "80/TCPX")
                .code())
        .isEqualTo(2);
    Run mixed =
        run(
            "diff",
            "--git",
            "file:///nowhere",
            "--from",
            "a",
            "--to",
            "b",
            "--policies",
            L3,
            "--cluster",
            CLUSTER);
    assertThat(mixed.code()).isEqualTo(2);
    assertThat(mixed.err()).contains("--git takes --from and --to, and no --policies or --against");
    assertThat(
            run("diff", "--policies", L3, "--against", L3, "--cluster", CLUSTER, "-o", "html")
                .code())
        .isEqualTo(2);
  }

  @Test
  void twoRevisionsOfAGitPathAreComparedAsTheFilesAre() throws Exception {
    Upstream up = new Upstream(dir.resolve("git"));
    String first =
        up.write("policies/rule1.yaml", l3())
            .write("README.md", "policies\n")
            .commit("empire only");
    up.tag("v1", true);
    up.write("policies/rule1.yaml", Files.readString(xwingOnly())).commit("xwing only");
    up.push();
    String url = up.bare.toUri().toString();
    String cache = dir.resolve("cache").toString();

    Run byCommit =
        run(
            "diff",
            "--git",
            url,
            "--from",
            first,
            "--to",
            "main",
            "--path",
            "policies",
            "--cluster",
            CLUSTER,
            "--cache",
            cache);
    Run files =
        run("diff", "--policies", xwingOnly().toString(), "--against", L3, "--cluster", CLUSTER);
    assertThat(byCommit.err()).isEmpty();
    assertThat(byCommit.code()).isEqualTo(3);
    assertThat(byCommit.out()).isEqualTo(files.out());

    Run byTag =
        run(
            "diff",
            "--git",
            url,
            "--from",
            "main",
            "--to",
            "v1",
            "--path",
            "policies",
            "--cluster",
            CLUSTER,
            "--cache",
            cache,
            "-o",
            "json");
    assertThat(byTag.code())
        .as("back to the Empire: the xwing's cell narrows, the tiefighter's widens")
        .isEqualTo(3);
    JsonNode cells = new ObjectMapper().readTree(byTag.out());
    assertThat(cells.get(0).get("from").asText()).isEqualTo("default/tiefighter");
    assertThat(cells.get(1).get("from").asText()).isEqualTo("default/xwing");

    Run missing =
        run(
            "diff",
            "--git",
            url,
            "--from",
            "nope",
            "--to",
            "main",
            "--path",
            "policies",
            "--cluster",
            CLUSTER,
            "--cache",
            cache);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).startsWith("palisade: --from nope: ");

    up.write(
            "policies/bad.yaml",
            l3().replace("name: rule1", "name: rule2").replace("protocol: TCP", "protocol: TCPX"))
        .commit("a typo");
    up.push();
    Run invalid =
        run(
            "diff",
            "--git",
            url,
            "--from",
            first,
            "--to",
            "main",
            "--path",
            "policies",
            "--cluster",
            CLUSTER,
            "--cache",
            cache);
    assertThat(invalid.code()).isEqualTo(1);
    assertThat(invalid.err())
        .startsWith("main@sha1:")
        .contains("policies/bad.yaml: CiliumNetworkPolicy default/rule2: ");
  }

  private static String emptyDir(Path p) {
    try {
      Files.createDirectories(p);
      Files.writeString(p.resolve("README.txt"), "no policies\n");
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    return p.toString();
  }

  private static String golden(String name) throws IOException {
    return Files.readString(Path.of("src/test/resources/diff").resolve(name));
  }
}
