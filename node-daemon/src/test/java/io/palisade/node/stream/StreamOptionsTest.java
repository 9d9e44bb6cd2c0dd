package io.palisade.node.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {

  @Test
  void parsesNodeAndOperator() {
    StreamOptions o =
        StreamOptions.parse("--node", "node-a", "--operator", "op:9870", "--state-file", "/x/s");
    assertThat(o.node()).isEqualTo("node-a");
    assertThat(o.operator()).isEqualTo("op:9870");
    assertThat(o.stateFile()).isEqualTo(Path.of("/x/s"));
    assertThat(o.pinRoot()).isEqualTo(Path.of("/sys/fs/bpf/palisade"));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> StreamOptions.parse("--operator", "nohost", "--bogus", "x"))
        .hasMessageContaining("--node is required")
        .hasMessageContaining("expected HOST:PORT")
        .hasMessageContaining("unknown option --bogus")
        .hasMessageContaining("usage:");
  }

  @Test
  void tlsTakesAllThreeFilesOrNone() {
    StreamOptions o =
        StreamOptions.parse(
            "--node",
            "node-a",
            "--operator",
            "op:9870",
            "--tls-cert",
            "/c.pem",
            "--tls-key",
            "/k.pem",
            "--tls-ca",
            "/ca.pem");
    assertThat(o.tls())
        .contains(new ClientTls(Path.of("/c.pem"), Path.of("/k.pem"), Path.of("/ca.pem")));
    assertThat(StreamOptions.parse("--node", "n", "--operator", "op:1").tls()).isEmpty();
    assertThatThrownBy(
            () -> StreamOptions.parse("--node", "n", "--operator", "op:1", "--tls-cert", "/c.pem"))
        .hasMessageContaining("--tls-cert, --tls-key and --tls-ca go together");
  }

  @Test
  void tlsAutoTakesADirectoryAndNoFiles() {
    assertThat(
            StreamOptions.parse("--node", "n", "--operator", "op:1", "--tls-auto", "/var/lib/t")
                .tlsAuto())
        .contains(Path.of("/var/lib/t"));
    assertThatThrownBy(
            () ->
                StreamOptions.parse(
                    "--node", "n", "--operator", "op:1", "--tls-auto", "/t", "--tls-ca", "/c"))
        .hasMessageContaining("--tls-auto obtains the certificate itself");
  }
}
