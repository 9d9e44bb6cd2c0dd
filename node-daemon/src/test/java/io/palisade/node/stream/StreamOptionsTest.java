package io.palisade.node.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {

  @Test
  void parsesNodeAndOperator() {
    StreamOptions o =
        StreamOptions.parse(
            "--node", "node-a", "--operator", "op:9870", "--state-file", "/x/s", "--insecure");
    assertThat(o.node()).isEqualTo("node-a");
    assertThat(o.operator()).isEqualTo("op:9870");
    assertThat(o.stateFile()).isEqualTo(Path.of("/x/s"));
    assertThat(o.pinRoot()).isEqualTo(Path.of("/sys/fs/bpf/palisade"));
    assertThat(o.insecure()).isTrue();
    assertThat(o.tls()).isEmpty();
  }

  @Test
  void plainTextTakesInsecureEvenWhenTheOptionsAreMadeInCode() {
    assertThatThrownBy(() -> StreamOptions.parse("--node", "n", "--operator", "op:1"))
        .hasMessageContaining("--operator op:1 would be plain text")
        .hasMessageContaining("or --insecure to allow it");
    assertThatThrownBy(
            () ->
                new StreamOptions(
                    "n",
                    "op:1",
                    Path.of("/p"),
                    Path.of("/s"),
                    java.util.Optional.empty(),
                    java.time.Duration.ofSeconds(10),
                    java.util.Optional.empty(),
                    false,
                    java.util.Optional.empty()))
        .hasMessageContaining("--insecure");
  }

  @Test
  void theFqdnOptionsReachTheStreamDaemonAndABadOneIsNamed() {
    StreamOptions o =
        StreamOptions.parse(
            "--node",
            "node-a",
            "--operator",
            "op:9870",
            "--insecure",
            "--fqdn-min-ttl",
            "600s",
            "--fqdn-state",
            "/x/fqdn.tsv");
    assertThat(o.fqdn().minTtl()).isEqualTo(java.time.Duration.ofSeconds(600));
    assertThat(o.fqdn().stateFile()).contains(Path.of("/x/fqdn.tsv"));
    assertThat(StreamOptions.parse("--node", "n", "--operator", "op:1", "--insecure").fqdn())
        .isEqualTo(
            new io.palisade.node.fqdn.FqdnOptions(
                io.palisade.node.fqdn.FqdnOptions.DEFAULT_MIN_TTL,
                java.util.Optional.of(io.palisade.node.fqdn.FqdnOptions.DEFAULT_STATE_FILE)));
    assertThatThrownBy(
            () ->
                StreamOptions.parse(
                    "--node", "n", "--operator", "op:1", "--insecure", "--fqdn-min-ttl", "-5s"))
        .hasMessageContaining("--fqdn-min-ttl: ");
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
    assertThat(o.insecure()).isFalse();
    assertThat(StreamOptions.parse("--node", "n", "--operator", "op:1", "--insecure").tls())
        .isEmpty();
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
