package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.stream.TestCertificates;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code palisade observe --operator}'s options: every unusable one is refused before anything
 * connects, naming its flag, with exit 2.
 */
class ObserveOperatorOptionsTest {

  @TempDir static Path dir;
  static TestCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = new TestCertificates(dir).issue("observer", "CN=observer:alice").issue("other");
    Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
  }

  private record Run(int code, String err) {}

  private static Run observe(String... args) {
    List<String> all = new ArrayList<>(List.of("observe"));
    all.addAll(List.of(args));
    StringWriter err = new StringWriter();
    int code =
        Palisade.run(
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true),
            all.toArray(String[]::new));
    return new Run(code, err.toString());
  }

  private static String[] withTls(String operator, Path cert, Path key, Path ca) {
    return new String[] {
      "--operator",
      operator,
      "--tls-cert",
      cert.toString(),
      "--tls-key",
      key.toString(),
      "--tls-ca",
      ca.toString()
    };
  }

  @Test
  void theOperatorNeedsAllThreeTlsFiles() {
    Run r = observe("--operator", "127.0.0.1:9870", "--tls-cert", "x.pem");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--operator needs --tls-cert, --tls-key and --tls-ca");
  }

  @Test
  void tlsFilesWithoutTheOperatorAreRefused() {
    Run r = observe("--tls-ca", "ca.pem");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("go with --operator HOST:PORT");
  }

  @Test
  void serverAndOperatorTogetherAreRefused() {
    Run r =
        observe(
            "--server",
            "http://127.0.0.1:9876",
            "--operator",
            "127.0.0.1:9870",
            "--tls-cert",
            "a",
            "--tls-key",
            "b",
            "--tls-ca",
            "c");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--server and --operator: give one");
  }

  @Test
  void eachMissingOrUnreadableFileIsNamedByItsFlag() {
    Run missing =
        observe(
            withTls(
                "127.0.0.1:9870",
                dir.resolve("nope.pem"),
                certs.key("observer"),
                dir.resolve("nope-ca.pem")));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err())
        .contains("--tls-cert: " + dir.resolve("nope.pem") + " does not exist")
        .contains("--tls-ca: " + dir.resolve("nope-ca.pem") + " does not exist")
        .doesNotContain("--tls-key");

    Run garbage =
        observe(
            withTls(
                "127.0.0.1:9870",
                certs.certificate("observer"),
                certs.key("observer"),
                dir.resolve("garbage.pem")));
    assertThat(garbage.code()).isEqualTo(2);
    assertThat(garbage.err()).contains("--tls-ca: " + dir.resolve("garbage.pem") + " holds no PEM");

    Run wrongKey =
        observe(
            withTls(
                "127.0.0.1:9870",
                certs.certificate("observer"),
                certs.key("other"),
                certs.certificate("ca")));
    assertThat(wrongKey.code()).isEqualTo(2);
    assertThat(wrongKey.err()).contains("--tls-key: " + certs.key("other"));
  }

  @Test
  void anOperatorThatIsNotHostAndPortIsNamed() {
    Run r =
        observe(
            withTls(
                "operator.example",
                certs.certificate("observer"),
                certs.key("observer"),
                certs.certificate("ca")));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--operator: \"operator.example\" is not HOST:PORT");
  }

  @Test
  void anOperatorThatIsAwayIsSaidSo() {
    Run r =
        observe(
            withTls(
                "127.0.0.1:1",
                certs.certificate("observer"),
                certs.key("observer"),
                certs.certificate("ca")));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach the operator at 127.0.0.1:1");
  }
}
