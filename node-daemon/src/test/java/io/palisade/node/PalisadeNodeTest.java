package io.palisade.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.node.cli.LogFormat;
import io.palisade.node.cli.VersionProvider;
import io.palisade.node.stream.StreamOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code palisade-node} as a picocli command: version, usage errors, completion, log format. */
class PalisadeNodeTest {

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PalisadeNode.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void versionComesFromTheBuild() {
    Run r = run("--version");
    assertThat(r.code()).isZero();
    assertThat(VersionProvider.version()).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
    assertThat(r.out().strip()).isEqualTo("palisade-node " + VersionProvider.version());
    assertThat(run("node-daemon", "--version").out().strip())
        .isEqualTo("palisade-node node-daemon " + VersionProvider.version());
  }

  @Test
  void aBadCommandLineExitsTwoWithEveryProblemAndTheUsage() {
    Run r = run("--veth", "nonsense", "--bogus");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("--veth nonsense: expected NAMESPACE/POD=IFNAME")
        .contains("unknown option --bogus")
        .contains("--policies is required")
        .contains("usage: palisade-node");
    Run stream = run("node-daemon", "--operator", "nohost");
    assertThat(stream.code()).isEqualTo(2);
    assertThat(stream.err())
        .contains("--node is required")
        .contains("--operator nohost: expected HOST:PORT")
        .contains("usage: palisade-node node-daemon");
    assertThat(run("--metrics-port", "many").code()).isEqualTo(2);
    assertThat(run("--log-format", "xml", "--policies", "p", "--cluster", "c").err())
        .contains("--log-format")
        .contains("xml");
  }

  @Test
  void nodeDaemonKeepsItsFlagsAndTheirMeaning() {
    StreamOptions o =
        StreamOptions.parse(
            "--node",
            "n",
            "--operator",
            "op:9870",
            "--insecure",
            "--metrics-port",
            "9963",
            "--pin-root",
            "/p");
    assertThat(o.node()).isEqualTo("n");
    assertThat(o.metrics()).contains(new java.net.InetSocketAddress("127.0.0.1", 9963));
    assertThat(o.pinRoot()).isEqualTo(Path.of("/p"));
    assertThat(o.stateFile()).isEqualTo(StreamOptions.DEFAULT_STATE_FILE);
    DaemonOptions f =
        DaemonOptions.parse(
            "--policies", "a", "--policies", "b", "--cluster", "c.yaml", "--flow-log", "-");
    assertThat(f.policies()).containsExactly(Path.of("a"), Path.of("b"));
    assertThat(f.flowLog()).contains(Path.of("-"));
    assertThat(f.metrics()).isEmpty();
  }

  @Test
  void completionIsABashScriptThatKnowsTheSubcommandsAndFlags() throws Exception {
    Run r = run("completion", "bash");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("complete -F _complete_palisade-node")
        .contains("node-daemon")
        .contains("--metrics-port")
        .contains("--log-format");
    Path script = Files.writeString(dir.resolve("c.bash"), r.out());
    Process bash = new ProcessBuilder("bash", "-n", script.toString()).inheritIO().start();
    assertThat(bash.waitFor()).as("bash -n: the script parses").isZero();
    assertThat(run("completion", "fish").code()).isEqualTo(2);
  }

  @Test
  void jsonLogsAreOneObjectPerLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    PrintStream log =
        LogFormat.json.wrap(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock);
    log.println("palisade-node: applied writes=3 \"quoted\"");
    log.println("no prefix");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertThat(first.get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(first.get("level").asText()).isEqualTo("info");
    assertThat(first.get("logger").asText()).isEqualTo("palisade-node");
    assertThat(first.get("message").asText()).isEqualTo("applied writes=3 \"quoted\"");
    assertThat(new ObjectMapper().readTree(lines[1]).get("message").asText())
        .isEqualTo("no prefix");
    assertThat(LogFormat.text.wrap(System.out, clock)).isSameAs(System.out);
  }
}
