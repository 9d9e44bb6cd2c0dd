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
import java.util.List;
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
  void validateCallsAnEmptyPolicyFileAnError() throws IOException {
    Files.write(dir.resolve("empty.yaml"), new byte[0]);
    Run r = run("validate", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("empty.yaml: holds no YAML document");
  }

  @Test
  void standaloneRefusesABudgetItDoesNotUnderstand() {
    Run r =
        run(
            "standalone",
            "--policies",
            L3,
            "--cluster",
            CLUSTER,
            "--once",
            "--prune-budget",
            "most");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "--prune-budget: \"most\" is not a removal budget: expected \"unlimited\" or a share"
                + " such as 50%");
  }

  @Test
  void validatePrintsEveryErrorOfADocumentAtOnceAndExitsOne() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, MISSPELT_BAD_PROTOCOL_BAD_CIDR);
    Run r = run("validate", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    String object = bad + ": CiliumNetworkPolicy prod/p: ";
    assertThat(r.out().lines())
        .containsExactly(
            object
                + "spec.ingress[0].fromEndpoint: unknown field \"fromEndpoint\" (did you mean"
                + " \"fromEndpoints\"?)",
            object
                + "spec.ingress[0].toPorts[0].ports[0].protocol: \"TPC\" is not a valid protocol"
                + " (TCP, UDP, SCTP, ICMP, ICMPv6, ANY)",
            object
                + "spec.egress[1].toCIDRSet[0].cidr: \"10.0.0.0/33\" is not a valid CIDR:"
                + " prefix length out of range");
  }

  /** A policy with a misspelt field, a bad protocol and a bad CIDR, for rule1's deathstar. */
  private static final String MISSPELT_BAD_PROTOCOL_BAD_CIDR =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector: {}
        ingress:
        - fromEndpoint: [{matchLabels: {org: empire}}]
          toPorts: [{ports: [{port: "80", protocol: TPC}]}]
        egress:
        - toEndpoints: [{}]
        - toCIDRSet: [{cidr: 10.0.0.0/33}]
      """;

  @Test
  void traceAndMatrixRefuseAPolicyWithErrorsAsValidateDoes() throws IOException {
    Path policies = dir.resolve("policies");
    Files.createDirectories(policies);
    Files.copy(SAMPLES.resolve("policies/deathstar-l3-l4.yaml"), policies.resolve("l3.yaml"));
    Files.writeString(policies.resolve("bad.yaml"), MISSPELT_BAD_PROTOCOL_BAD_CIDR);
    Files.writeString(
        policies.resolve("deny.yaml"),
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: deny, namespace: default}
        spec:
          endpointSelector: {}
          egressDeny: [{toEntities: [kube-apiserver]}]
        """);
    List<String> expected = run("validate", policies.toString()).out().lines().toList();
    assertThat(expected).hasSize(4);
    assertThat(expected.get(3))
        .isEqualTo(
            policies.resolve("deny.yaml")
                + ": CiliumNetworkPolicy default/deny: spec.egressDeny[0].toEntities[0]: not"
                + " supported yet: Palisade knows entity \"kube-apiserver\" only by the addresses"
                + " Node and EndpointSlice objects list, which need not be every address its"
                + " traffic comes from, so this deny could miss some of it; the policy is refused"
                + " rather than enforced partially");
    Run trace =
        run(
            "trace",
            "--policies",
            policies.toString(),
            "--cluster",
            CLUSTER,
            "--from",
            "default/tiefighter",
            "--to",
            "default/deathstar",
            "--port",
            "80/TCP");
    Run matrix =
        run("matrix", "--policies", policies.toString(), "--cluster", CLUSTER, "--ports", "80/TCP");
    for (Run r : List.of(trace, matrix)) {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().lines()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void validateRefusesADeviceAtOnceInOneLine() {
    long start = System.nanoTime();
    Run r = run("validate", "/dev/zero");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
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
  void traceNamesTheHostRemoteNodeAndKubeApiserverAddresses() throws IOException {
    Path cluster = dir.resolve("cluster.yaml");
    Files.writeString(
        cluster,
        Files.readString(Path.of(CLUSTER))
            + """
            ---
            apiVersion: v1
            kind: NodeList
            items:
              - {apiVersion: v1, kind: Node, metadata: {name: node-a},
                 status: {addresses: [{type: InternalIP, address: 10.0.0.1}]}}
              - {apiVersion: v1, kind: Node, metadata: {name: node-b},
                 status: {addresses: [{type: InternalIP, address: 10.0.0.2}]}}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: kubernetes, namespace: default,
                       labels: {kubernetes.io/service-name: kubernetes}}
            addressType: IPv4
            endpoints: [{addresses: [10.0.0.2]}, {addresses: [192.0.2.9]}]
            """);
    String[] base = {
      "trace", "--policies", L3, "--cluster", cluster.toString(), "--node", "node-a"
    };
    Run host =
        run(concat(base, "--from", "10.0.0.1", "--to", "default/deathstar", "--port", "81/TCP"));
    assertThat(host.err()).isEmpty();
    assertThat(host.out().lines().findFirst()).hasValue("ALLOWED");
    assertThat(host.out())
        .contains("10.0.0.1: 1 [reserved:host]")
        .contains("the host reaches its pods whatever their ingress rules");
    Run policy =
        run(
            concat(
                base,
                "--host-traffic",
                "policy",
                "--from",
                "10.0.0.1",
                "--to",
                "default/deathstar",
                "--port",
                "81/TCP"));
    assertThat(policy.out().lines().findFirst()).hasValue("DENIED");
    Run apiNode =
        run(concat(base, "--from", "10.0.0.2", "--to", "default/deathstar", "--port", "80/TCP"));
    assertThat(apiNode.out())
        .contains("10.0.0.2: 7 [reserved:kube-apiserver, reserved:remote-node]");
    Run apiOutside =
        run(concat(base, "--from", "192.0.2.9", "--to", "default/deathstar", "--port", "80/TCP"));
    assertThat(apiOutside.out())
        .containsPattern(
            "192\\.0\\.2\\.9: 16777[0-9]+ \\[cidr:192\\.0\\.2\\.9/32,"
                + " reserved:kube-apiserver, reserved:world-ipv4\\]");
    Run none =
        run(
            "trace",
            "--policies",
            L3,
            "--cluster",
            cluster.toString(),
            "--from",
            "10.0.0.1",
            "--to",
            "default/deathstar",
            "--port",
            "80/TCP");
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err())
        .contains(
            "the cluster file has 2 Nodes (node-a, node-b); say which one this machine is"
                + " with --node NAME");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
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
    assertThat(json.path("dropped").asBoolean()).isTrue();
    assertThat(json.path("dropReason").asText()).isEqualTo("no L7 proxy is ready");
    assertThat(json.path("ingress").path("dropped").asBoolean()).isTrue();
    assertThat(json.path("egress").path("dropped").asBoolean()).isFalse();
    assertThat(json.path("egress").has("dropReason")).isFalse();
    JsonNode matched = json.path("ingress").path("matched").get(0);
    assertThat(matched.path("name").asText()).isEqualTo("rule1");
    assertThat(matched.path("rule").asText()).isEqualTo("spec.ingress[0]");
    assertThat(matched.path("verdict").asText())
        .isEqualTo("redirect to the L7 proxy (no proxy: dropped)");
  }

  @Test
  void aRedirectedFlowNeverReadsAsAllowed() throws IOException {
    Run trace =
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
            "80/TCP");
    assertThat(trace.code()).isZero();
    assertThat(trace.out().lines().findFirst()).hasValue("REDIRECTED (no proxy: dropped)");
    assertThat(trace.out())
        .contains("ingress of default/deathstar: REDIRECTED (no proxy: dropped)\n")
        .doesNotContain("allow, redirect");
    Run matrix =
        run(
            "matrix",
            "--policies",
            L7,
            "--cluster",
            CLUSTER,
            "--ports",
            "80/TCP",
            "--output",
            "json");
    JsonNode rows = new ObjectMapper().readTree(matrix.out());
    JsonNode toDeathstar = null;
    for (JsonNode row : rows) {
      if (row.path("from").asText().equals("default/tiefighter")
          && row.path("to").asText().equals("default/deathstar")) {
        toDeathstar = row;
      }
    }
    assertThat(toDeathstar).isNotNull();
    assertThat(toDeathstar.path("verdict").asText()).isEqualTo("REDIRECTED");
    assertThat(toDeathstar.path("dropped").asBoolean()).isTrue();
    assertThat(toDeathstar.path("dropReason").asText()).isEqualTo("no L7 proxy is ready");
    Run table = run("matrix", "--policies", L7, "--cluster", CLUSTER, "--ports", "80/TCP");
    assertThat(table.out())
        .contains("R redirected to the L7 proxy (no proxy: dropped)")
        .containsPattern("(?m)^default/tiefighter +R +- ");
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
