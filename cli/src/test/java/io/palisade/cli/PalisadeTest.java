package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on the Star Wars samples and on broken files: exit codes, lines, and JSON. */
class PalisadeTest {

  private static final Path SAMPLES = Path.of("../config/samples");
  private static final String CLUSTER = SAMPLES.resolve("cluster.yaml").toString();
  private static final String L3 = SAMPLES.resolve("policies").toString();
  private static final String L7 = SAMPLES.resolve("l7").toString();

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Palisade.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void validateAcceptsTheSamples() {
    Run r = run("validate", L3);
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("1 policy documents are valid");
  }

  @Test
  void validatePrintsOneLinePerErrorAndExitsOne() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: p, namespace: prod}
        spec:
          endpointSelector: {}
          egress:
          - toEndpoints: [{}]
          - toCIDRSet: [{cidr: 10.0.0.0/33}]
            toPort: []
        """);
    Run r = run("validate", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out().lines())
        .containsExactly(
            bad
                + ": CiliumNetworkPolicy prod/p: spec.egress[1].toPort: unknown field \"toPort\""
                + " (did you mean \"toPorts\"?)");
    Files.writeString(bad, Files.readString(bad).replace("    toPort: []\n", ""));
    r = run("validate", bad.toString());
    assertThat(r.out().lines())
        .containsExactly(
            bad
                + ": CiliumNetworkPolicy prod/p: spec.egress[1].toCIDRSet[0].cidr:"
                + " \"10.0.0.0/33\" is not a valid CIDR: prefix length out of range");
  }

  @Test
  void validateRefusesADeviceAtOnceInOneLine() {
    long start = System.nanoTime();
    Run r = run("validate", "/dev/zero");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .isEqualTo("/dev/zero: is not a regular file (a device, pipe or socket is never read)\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aClusterFileThatIsADeviceIsRefusedToo() {
    Run r = run("matrix", "--policies", L3, "--cluster", "/dev/zero", "--ports", "80/TCP");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo("/dev/zero: is not a regular file (a device, pipe or socket is never read)\n");
  }

  @Test
  void validateNamesAMissingPath() {
    Run r = run("validate", dir.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEqualTo(dir.resolve("nope") + ": does not exist\n");
  }

  @Test
  void traceExplainsBothSides() {
    Run r =
        run(
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
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().findFirst()).hasValue("DENIED");
    assertThat(r.out()).contains("egress of default/xwing: ALLOWED");
    assertThat(r.out()).contains("selected by CiliumNetworkPolicy default/rule1 spec");
  }

  @Test
  void traceOfTheL7PolicyRedirects() throws IOException {
    Run r =
        run(
            "trace",
            "--policies",
            L7,
            "--cluster",
            CLUSTER,
            "--from",
            "default/tiefighter",
            "--to",
            "default/deathstar",
            "--port",
            "80/TCP",
            "--output",
            "json");
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("verdict").asText()).isEqualTo("REDIRECTED");
    JsonNode matched = json.path("ingress").path("matched").get(0);
    assertThat(matched.path("name").asText()).isEqualTo("rule1");
    assertThat(matched.path("rule").asText()).isEqualTo("spec.ingress[0]");
  }

  @Test
  void matrixJsonIsEveryPairAndPort() throws IOException {
    Run r =
        run(
            "matrix",
            "--policies",
            L3,
            "--cluster",
            CLUSTER,
            "--ports",
            "80/TCP,53/UDP",
            "--output",
            "json");
    assertThat(r.code()).isZero();
    JsonNode rows = new ObjectMapper().readTree(r.out());
    assertThat(rows.size()).isEqualTo(3 * 2 * 2);
    int denied = 0;
    for (JsonNode row : rows) {
      if (row.path("verdict").asText().equals("DENIED")) {
        denied++;
        assertThat(row.path("to").asText()).isEqualTo("default/deathstar");
        assertThat(
                row.path("port").asText().equals("53/UDP")
                    || row.path("from").asText().equals("default/xwing"))
            .isTrue();
      }
    }
    // The xwing is refused on 80/TCP, and both ships on 53/UDP, which the deathstar never opens.
    assertThat(denied).isEqualTo(3);
  }

  @Test
  void aBadPortIsAUsageErrorNotAStackTrace() {
    Run r = run("matrix", "--policies", L3, "--cluster", CLUSTER, "--ports", "80/TCPX");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
