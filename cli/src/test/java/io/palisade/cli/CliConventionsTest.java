package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.palisade.node.cli.VersionProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conventions every command keeps: {@code -o table|json|yaml} (JSON and YAML the same
 * document), {@code --version} from the build, {@code node-daemon} as a subcommand, shell
 * completion, JSON logs.
 */
class CliConventionsTest {

  private static final Path SAMPLES = Path.of("../config/samples");
  private static final String CLUSTER = SAMPLES.resolve("cluster.yaml").toString();
  private static final String L3 = SAMPLES.resolve("policies").toString();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Palisade.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static String[] with(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  /** The command's JSON and YAML parse back to the same tree; returns it. */
  private static JsonNode sameInJsonAndYaml(int code, String... args) throws IOException {
    Run json = run(with(args, "-o", "json"));
    Run yaml = run(with(args, "--output", "yaml"));
    assertThat(json.code()).as(json.err()).isEqualTo(code);
    assertThat(yaml.code()).as(yaml.err()).isEqualTo(code);
    JsonNode tree = JSON.readTree(json.out());
    assertThat(YAML.readTree(yaml.out())).isEqualTo(tree);
    return tree;
  }

  @Test
  void versionIsTheProjectVersion() {
    Run r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo("palisade " + VersionProvider.version());
    assertThat(VersionProvider.version()).doesNotContain("${").matches("[0-9]+\\..*");
  }

  @Test
  void validateSpeaksJsonAndYamlWithEveryErrorAtItsPath() throws IOException {
    JsonNode ok = sameInJsonAndYaml(0, "validate", L3);
    assertThat(ok.path("valid").asBoolean()).isTrue();
    assertThat(ok.path("policyDocuments").asInt()).isEqualTo(1);
    assertThat(ok.path("errors")).isEmpty();

    Files.writeString(
        dir.resolve("bad.yaml"),
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: p, namespace: prod}
        spec:
          endpointSelector: {}
          egress:
          - toCIDRSet: [{cidr: 10.0.0.0/33}]
            toPorts: [{ports: [{port: "80", protocol: TPC}]}]
        """);
    JsonNode bad = sameInJsonAndYaml(1, "validate", dir.toString());
    assertThat(bad.path("valid").asBoolean()).isFalse();
    assertThat(bad.path("errors")).hasSize(2);
    assertThat(bad.path("errors"))
        .anySatisfy(
            e -> {
              assertThat(e.path("kind").asText()).isEqualTo("CiliumNetworkPolicy");
              assertThat(e.path("namespace").asText()).isEqualTo("prod");
              assertThat(e.path("name").asText()).isEqualTo("p");
              assertThat(e.path("path").asText())
                  .isEqualTo("spec.egress[0].toPorts[0].ports[0].protocol");
              assertThat(e.path("message").asText()).contains("\"TPC\" is not a valid protocol");
            })
        .anySatisfy(
            e -> assertThat(e.path("path").asText()).isEqualTo("spec.egress[0].toCIDRSet[0].cidr"));
    assertThat(run("validate", dir.toString()).out())
        .as("the table is today's lines")
        .isEqualTo(
            bad.path("errors").get(0).path("line").asText()
                + "\n"
                + bad.path("errors").get(1).path("line").asText()
                + "\n");
  }

  @Test
  void traceAndMatrixSpeakYamlAsTheySpeakJson() throws IOException {
    JsonNode trace =
        sameInJsonAndYaml(
            0,
            "trace",
            "--policies",
            L3,
            "--cluster",
            CLUSTER,
            "--from",
            "default/xwing",
            "--to",
            "default/deathstar",
            "--port",
            "80/TCP");
    assertThat(trace.path("verdict").asText()).isEqualTo("DENIED");
    assertThat(trace.path("ingress").path("selectedBy").get(0).path("name").asText())
        .isEqualTo("rule1");
    JsonNode matrix =
        sameInJsonAndYaml(0, "matrix", "--policies", L3, "--cluster", CLUSTER, "--ports", "80/TCP");
    assertThat(matrix).hasSize(6);
    assertThat(run("trace", "-o", "xml").code()).as("an unknown format").isEqualTo(2);
  }

  @Test
  void standaloneOnceReportsStatusInEachFormatAndLogsToStderr() throws IOException {
    String[] once = {"standalone", "--policies", L3, "--cluster", CLUSTER, "--once"};
    JsonNode statuses = sameInJsonAndYaml(0, once);
    assertThat(statuses).hasSize(1);
    JsonNode rule1 = statuses.get(0);
    assertThat(rule1.path("kind").asText()).isEqualTo("CiliumNetworkPolicy");
    assertThat(rule1.path("name").asText()).isEqualTo("rule1");
    assertThat(rule1.path("conditions").get(0).path("type").asText()).isEqualTo("Valid");
    assertThat(rule1.path("conditions").get(0).path("status").asText()).isEqualTo("True");

    Run table = run(once);
    assertThat(table.out()).isEqualTo("CiliumNetworkPolicy default/rule1: Valid\n");
    assertThat(table.err()).contains("palisade: generation 1 at ");

    Run jsonLogs = run(with(once, "--log-format", "json"));
    assertThat(jsonLogs.code()).isZero();
    assertThat(jsonLogs.err().lines().toList())
        .isNotEmpty()
        .allSatisfy(
            l -> {
              JsonNode entry = JSON.readTree(l);
              assertThat(entry.path("logger").asText()).isEqualTo("palisade");
              assertThat(entry.path("level").asText()).isEqualTo("info");
              assertThat(entry.path("time").asText()).isNotEmpty();
            })
        .anySatisfy(
            l ->
                assertThat(JSON.readTree(l).path("message").asText())
                    .startsWith("generation 1 at "));
  }

  @Test
  void nodeDaemonIsASubcommandWithItsOwnUsage() {
    Run r = run("node-daemon", "--operator", "op");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("--node is required")
        .contains("--operator op: expected HOST:PORT")
        .contains("usage: palisade node-daemon");
    Run help = run("node-daemon", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--metrics-port", "--tls-cert", "--state-file", "--log-format");
    assertThat(run("--help").out()).contains("node-daemon", "completion");
  }

  @Test
  void completionCoversEveryCommandAndParsesInBash() throws Exception {
    Run r = run("completion", "bash");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("complete -F _complete_palisade -o default palisade")
        .contains("validate", "trace", "matrix", "standalone", "node-daemon")
        .contains("--policies", "--output");
    Path script = Files.writeString(dir.resolve("palisade.bash"), r.out());
    Process bash = new ProcessBuilder("bash", "-n", script.toString()).inheritIO().start();
    assertThat(bash.waitFor()).as("bash -n: the script parses").isZero();
  }
}
