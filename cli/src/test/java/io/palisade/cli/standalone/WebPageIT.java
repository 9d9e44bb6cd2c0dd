package io.palisade.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.cli.Palisade;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web page in a real headless Chromium (Debian's {@code chromium}, driven by playwright-core
 * from the web module's {@code node_modules}) against standalone mode over {@code config/samples}:
 * what it shows is checked against verdicts worked out by hand from the sample policy, and
 * screenshots are kept in {@code web/target/screenshots/}.
 */
class WebPageIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path WEB = ROOT.resolve("web");
  private static final Path SHOTS = WEB.resolve("target/screenshots");
  private static final Pattern PORT =
      Pattern.compile("standalone on http://127\\.0\\.0\\.1:(\\d+)/readyz");

  /** The sample policy rule1, widened to let the Alliance land too. */
  private static final String WIDER_RULE1 =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: rule1
        namespace: default
      spec:
        endpointSelector:
          matchLabels: {org: empire, class: deathstar}
        ingress:
          - fromEndpoints:
              - matchLabels: {org: empire}
              - matchLabels: {org: alliance}
            toPorts:
              - ports: [{port: "80", protocol: TCP}]
      """;

  private static final TimedLog LOG = new TimedLog();
  private static Thread standalone;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    requireTools();
    PrintWriter out = new PrintWriter(LOG, true);
    standalone =
        Thread.ofPlatform()
            .name("standalone")
            .start(
                () ->
                    Palisade.run(
                        out,
                        out,
                        "standalone",
                        "--policies",
                        ROOT.resolve("config/samples/policies").toString(),
                        "--cluster",
                        ROOT.resolve("config/samples/cluster.yaml").toString(),
                        "--http-port",
                        "0"));
    port = Integer.parseInt(LOG.await(PORT, Duration.ofSeconds(60)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (standalone != null) {
      standalone.interrupt();
      standalone.join(Duration.ofSeconds(20));
    }
  }

  /** Chromium, Node and playwright-core, or a failure naming what to install. */
  private static void requireTools() {
    assertThat(Path.of("/usr/bin/chromium"))
        .as("the page tests need Debian's chromium: apt-get install -y chromium")
        .isExecutable();
    assertThat(Path.of("/usr/bin/node"))
        .as("the page tests need Node.js (Debian: nodejs) at /usr/bin/node")
        .isExecutable();
    assertThat(WEB.resolve("node_modules/playwright-core/package.json"))
        .as("playwright-core is missing: build the web module (it runs npm ci) before the CLI")
        .exists();
  }

  /** Runs the page through Chromium at {@code url}; what it showed, as the script printed it. */
  private static JsonNode showPage(String url, String prefix) throws Exception {
    Path yaml = Files.createTempFile("whatif", ".yaml");
    Path stdout = Files.createTempFile("page-check", ".out");
    Path stderr = Files.createTempFile("page-check", ".err");
    try {
      Files.writeString(yaml, WIDER_RULE1);
      Process p =
          new ProcessBuilder(
                  "node", "e2e/page-check.mjs", url, SHOTS.toString(), yaml.toString(), prefix)
              .directory(WEB.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
      if (!p.waitFor(150, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("the Chromium run did not end:\n" + Files.readString(stderr));
      }
      assertThat(p.exitValue())
          .as("Chromium run failed:\n%s\nstandalone:\n%s", Files.readString(stderr), LOG)
          .isZero();
      String text = Files.readString(stdout, StandardCharsets.UTF_8).strip();
      return new ObjectMapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
    } finally {
      Files.deleteIfExists(yaml);
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private static String cell(JsonNode cells, String from, String to) {
    for (JsonNode c : cells) {
      if (c.get("from").asText().equals(from) && c.get("to").asText().equals(to)) {
        return c.get("text").asText();
      }
    }
    throw new AssertionError("no cell " + from + " -> " + to + " in " + cells);
  }

  private static List<String> row(JsonNode rows, int i) {
    List<String> out = new ArrayList<>();
    rows.get(i).forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void thePageShowsPoliciesMatrixFlowsAndAWhatIfFromTheRunningInstance() {
    assertTimeoutPreemptively(
        Duration.ofMinutes(4),
        () -> {
          try (TestFlowFeed feed = new TestFlowFeed(port)) {
            JsonNode shown = showPage("http://127.0.0.1:" + feed.port() + "/ui/", "standalone");

            assertThat(shown.get("policies")).hasSize(1);
            assertThat(row(shown.get("policies"), 0))
                .startsWith("CiliumNetworkPolicy", "default", "rule1", "Resolved");

            // Worked out from the sample by hand: rule1 selects the deathstar and lets org=empire
            // in on 80/TCP; nothing selects the ships, so they take everything.
            JsonNode pods = shown.get("podMatrix");
            assertThat(cell(pods, "default/tiefighter", "default/deathstar")).isEqualTo("allowed");
            assertThat(cell(pods, "default/xwing", "default/deathstar")).isEqualTo("denied");
            assertThat(cell(pods, "default/deathstar", "default/xwing")).isEqualTo("allowed");
            assertThat(cell(pods, "default/xwing", "default/xwing")).isEqualTo("—");
            // One namespace: of its 6 pod pairs on 80/TCP, only xwing -> deathstar is dropped.
            assertThat(cell(shown.get("namespaceMatrix"), "default", "default"))
                .isEqualTo("5/6 allowed");
            assertThat(shown.get("matrixError").asText())
                .contains("ports[0]: \"80/XYZ\" has no known protocol");

            assertThat(shown.get("flowsNote").asText()).isEqualTo("live");
            List<String> flows = new ArrayList<>();
            shown.get("flows").forEach(r -> flows.add(r.toString()));
            assertThat(flows)
                .anySatisfy(
                    f ->
                        assertThat(f)
                            .contains("DROPPED", "default/xwing (id 1001)", "default/deathstar")
                            .contains("CiliumNetworkPolicy default/rule1 spec.ingress[0]"))
                .anySatisfy(f -> assertThat(f).contains("FORWARDED", "default/tiefighter"));

            assertThat(shown.get("whatIfSummary").asText())
                .isEqualTo(
                    "CiliumNetworkPolicy default/rule1: 1 cell widened, 0 cells narrowed (ports"
                        + " 80/TCP)");
            assertThat(shown.get("whatIf")).hasSize(1);
            assertThat(row(shown.get("whatIf"), 0))
                .startsWith(
                    "widened", "default/xwing", "default/deathstar", "80/TCP", "DENIED", "ALLOWED");
            assertThat(row(shown.get("whatIf"), 0).get(6))
                .contains("CiliumNetworkPolicy default/rule1");

            assertThat(shown.get("pageErrors")).isEmpty();
            // Everything the page loads comes from the server that served it.
            shown
                .get("requests")
                .forEach(
                    r ->
                        assertThat(r.asText()).startsWith("http://127.0.0.1:" + feed.port() + "/"));
          }
          assertThat(SHOTS.resolve("standalone-overview.png")).isNotEmptyFile();
          assertThat(SHOTS.resolve("standalone-whatif.png")).isNotEmptyFile();
        });
  }

  @Test
  void withoutAFlowSourceThePageSaysSo() {
    assertTimeoutPreemptively(
        Duration.ofMinutes(4),
        () -> {
          JsonNode shown = showPage("http://127.0.0.1:" + port + "/ui/", "no-flows");
          assertThat(shown.get("flowsNote").asText()).startsWith("no flow source");
          assertThat(shown.get("flows")).isEmpty();
          assertThat(shown.get("policies")).hasSize(1);
        });
  }
}
