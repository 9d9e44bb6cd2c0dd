package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code palisade trace} with a request on an L7 port: the rule that admits it, or why not. */
class TraceL7Test {

  private static final String CLUSTER = "../config/samples/cluster.yaml";
  private static final String L7 = "../config/samples/l7";
  private static final String KAFKA =
      "../corpus/cilium-examples/v1.18.3/examples/kubernetes-kafka/kafka-sw-security-policy.yaml";

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Palisade.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Run starWars(String from, String... request) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "trace",
                "--policies",
                L7,
                "--cluster",
                CLUSTER,
                "--from",
                from,
                "--to",
                "default/deathstar",
                "--port",
                "80/TCP"));
    args.addAll(List.of(request));
    return run(args.toArray(String[]::new));
  }

  private Run kafka(String from, String... request) throws IOException {
    Path cluster = dir.resolve("kafka-cluster.yaml");
    Files.writeString(
        cluster,
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: default}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: kafka-broker, namespace: default, labels: {app: kafka}}
        status: {podIP: 10.1.0.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: empire-hq, namespace: default, labels: {app: empire-hq}}
        status: {podIP: 10.1.0.2}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: empire-outpost, namespace: default, labels: {app: empire-outpost}}
        status: {podIP: 10.1.0.3}
        """);
    List<String> args =
        new ArrayList<>(
            List.of(
                "trace",
                "--policies",
                KAFKA,
                "--cluster",
                cluster.toString(),
                "--from",
                from,
                "--to",
                "default/kafka-broker",
                "--port",
                "9092/TCP"));
    args.addAll(List.of(request));
    return run(args.toArray(String[]::new));
  }

  @Test
  void aLandingRequestNamesTheRuleThatAllowsIt() {
    Run r = starWars("default/tiefighter", "--http", "POST", "/v1/request-landing");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .startsWith("REDIRECTED (no proxy: dropped)\n")
        .contains("request: HTTP POST /v1/request-landing\n")
        .contains("L7: ALLOWED (an L7 rule admits the request on every side)\n")
        .contains(
            "  ingress of default/deathstar, HTTP proxy: allowed by CiliumNetworkPolicy"
                + " default/rule1 spec.ingress[0].toPorts[0].rules.http[0] {method: \"POST\","
                + " path: \"/v1/request-landing\"}\n");
  }

  @Test
  void theExhaustPortIsRefusedWithTheReasonInJson() throws IOException {
    Run r = starWars("default/tiefighter", "--http", "PUT", "/v1/exhaust-port", "-o", "json");
    assertThat(r.code()).isZero();
    JsonNode l7 = new ObjectMapper().readTree(r.out()).path("l7");
    assertThat(l7.path("verdict").asText()).isEqualTo("REFUSED");
    assertThat(l7.path("allowed").asBoolean()).isFalse();
    assertThat(l7.path("reason").asText())
        .isEqualTo("no L7 rule admits the request on ingress of default/deathstar");
    JsonNode tried = l7.path("sides").get(0).path("rules").get(0);
    assertThat(tried.path("name").asText()).isEqualTo("rule1");
    assertThat(tried.path("rule").asText()).isEqualTo("spec.ingress[0]");
    assertThat(tried.path("l7Rule").asText()).isEqualTo("spec.ingress[0].toPorts[0].rules.http[0]");
    assertThat(tried.path("l7Index").asInt()).isZero();
    assertThat(tried.path("matched").asBoolean()).isFalse();
    assertThat(tried.path("reasons").get(0).asText())
        .isEqualTo("method \"PUT\" does not match \"POST\"");
  }

  @Test
  void l3l4RefusalAndAPortWithoutRedirectAreSaid() {
    Run xwing = starWars("default/xwing", "--http", "POST", "/v1/request-landing");
    assertThat(xwing.code()).isZero();
    assertThat(xwing.out())
        .startsWith("DENIED\n")
        .contains(
            "L7: DENIED_AT_L3_L4 (denied at L3/L4 on ingress of default/deathstar, before any L7"
                + " rule)");
    Run open =
        run(
            "trace",
            "--policies",
            L7,
            "--cluster",
            CLUSTER,
            "--from",
            "default/deathstar",
            "--to",
            "default/xwing",
            "--port",
            "80/TCP",
            "--http",
            "GET",
            "/");
    assertThat(open.out())
        .startsWith("ALLOWED\n")
        .contains("L7: NOT_REDIRECTED (the port is not redirected to a proxy on either side");
  }

  @Test
  void grpcAndHeadersAreHttpRequests() {
    Run grpc = starWars("default/tiefighter", "--grpc", "/empire.Deathstar/RequestLanding");
    assertThat(grpc.out())
        .contains("request: HTTP POST /empire.Deathstar/RequestLanding\n")
        .contains("L7: REFUSED")
        .contains(
            "path \"/empire.Deathstar/RequestLanding\" does not match \"/v1/request-landing\"");
    Run host =
        starWars(
            "default/tiefighter",
            "--http",
            "POST",
            "/v1/request-landing",
            "--header",
            "X-Has-Force: True",
            "--host",
            "deathstar.default");
    assertThat(host.out())
        .contains("request: HTTP POST /v1/request-landing (host deathstar.default)");
    assertThat(host.out()).contains("L7: ALLOWED");
  }

  @Test
  void kafkaProduceToAnAllowedTopicARefusedTopicAndAConsumerProducing() throws IOException {
    Run plans =
        kafka("default/empire-hq", "--kafka-api", "produce", "--kafka-topic", "deathstar-plans");
    assertThat(plans.code()).isZero();
    assertThat(plans.out())
        .contains("request: KAFKA produce topic deathstar-plans\n")
        .contains(
            "allowed by CiliumNetworkPolicy default/secure-empire-kafka"
                + " specs[0].ingress[0].toPorts[0].rules.kafka[0] {role: \"produce\", topic:"
                + " \"deathstar-plans\"}");
    Run other =
        kafka("default/empire-hq", "--kafka-api", "produce", "--kafka-topic", "alliance-plans");
    assertThat(other.out())
        .contains("L7: REFUSED")
        .contains("topic \"empire-announce\" is not among the request's [alliance-plans]");
    Run outpost =
        kafka(
            "default/empire-outpost",
            "--kafka-api",
            "produce",
            "--kafka-topic",
            "empire-announce",
            "--kafka-client-id",
            "outpost-7",
            "--kafka-api-version",
            "3");
    assertThat(outpost.out())
        .contains("request: KAFKA produce v3 topic empire-announce client outpost-7\n")
        .contains("role consume does not include the API key produce");
  }

  @Test
  void optionsThatDoNotFitThePortOrEachOtherAreUsageErrors() throws IOException {
    Run kafkaOnHttp =
        starWars("default/tiefighter", "--kafka-api", "produce", "--kafka-topic", "t");
    assertThat(kafkaOnHttp.code()).isEqualTo(2);
    assertThat(kafkaOnHttp.err())
        .contains(
            "palisade: --kafka-api/--kafka-topic does not fit port 80/TCP: it is redirected to the"
                + " HTTP proxy on ingress of default/deathstar; trace it with --http METHOD PATH"
                + " or --grpc /PKG.SERVICE/METHOD");
    Run httpOnKafka = kafka("default/empire-hq", "--http", "GET", "/");
    assertThat(httpOnKafka.code()).isEqualTo(2);
    assertThat(httpOnKafka.err()).contains("--http does not fit port 9092/TCP");
    Run both = starWars("default/tiefighter", "--http", "GET", "/", "--dns", "example.com");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err())
        .contains(
            "palisade: --http and --dns cannot be combined: a traced request is HTTP (or gRPC),"
                + " Kafka or DNS");
    Run topicAlone = starWars("default/tiefighter", "--kafka-topic", "t");
    assertThat(topicAlone.code()).isEqualTo(2);
    assertThat(topicAlone.err()).contains("--kafka-topic describes a Kafka request");
    Run headerAlone = starWars("default/tiefighter", "--header", "a:b");
    assertThat(headerAlone.err()).contains("--header describes an HTTP request");
    Run badKey = starWars("default/tiefighter", "--kafka-api", "launch");
    assertThat(badKey.err()).contains("--kafka-api \"launch\" is not a Kafka API key: produce,");
    Run badHeader = starWars("default/tiefighter", "--http", "GET", "/", "--header", "nocolon");
    assertThat(badHeader.err()).contains("--header \"nocolon\" must be NAME:VALUE");
    Run badGrpc = starWars("default/tiefighter", "--grpc", "SayHello");
    assertThat(badGrpc.err()).contains("--grpc \"SayHello\" must be /PACKAGE.SERVICE/METHOD");
    Run dnsOnHttp = starWars("default/tiefighter", "--dns", "example.com");
    assertThat(dnsOnHttp.code()).isEqualTo(2);
    assertThat(dnsOnHttp.err()).contains("--dns does not fit port 80/TCP");
    Run httpMissingPath = starWars("default/tiefighter", "--http", "GET");
    assertThat(httpMissingPath.code()).isEqualTo(2);
  }
}
