package io.palisade.policy.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.crds.api.Rule;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.l7.DnsQuery;
import io.palisade.policy.l7.HttpRequest;
import io.palisade.policy.l7.HttpRequest.Header;
import io.palisade.policy.l7.KafkaApiKeys;
import io.palisade.policy.l7.KafkaRequest;
import io.palisade.policy.l7.L7Request;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.rules.CidrGroups;
import io.palisade.policy.rules.CiliumRuleTranslator;
import io.palisade.policy.rules.PolicyRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Trace of one request: Cilium's Star Wars, gRPC door manager and Kafka examples, header rules, DNS
 * rules, the union with L3/L4 allows, and the cases where L7 does not decide.
 */
class L7TraceTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path STAR_WARS = ROOT.resolve("config/samples/cluster.yaml");
  private static final Path DEATHSTAR_L7 = ROOT.resolve("config/samples/l7/deathstar-l7.yaml");
  private static final Path KAFKA =
      ROOT.resolve(
          "corpus/cilium-examples/v1.18.3/examples/kubernetes-kafka/kafka-sw-security-policy.yaml");

  private static final String KAFKA_CLUSTER =
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
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: cc-door-mgr, namespace: default, labels: {app: cc-door-mgr}}
      status: {podIP: 10.1.0.4}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: terminal, namespace: default, labels: {app: public-terminal}}
      status: {podIP: 10.1.0.5}
      """;

  private static ClusterPolicy load(ClusterParser.Result cluster, String... yaml) throws Exception {
    List<PolicyRule> rules = new ArrayList<>();
    for (int i = 0; i < yaml.length; i++) {
      LoadResult r = new PolicyLoader().load("p" + i + ".yaml", yaml[i]);
      assertThat(r.errors()).isEmpty();
      rules.addAll(r.policySet().rules());
    }
    assertThat(cluster.errors()).isEmpty();
    return new ClusterPolicy(cluster.cluster(), rules, new InMemoryIdentityAllocator());
  }

  private static ClusterPolicy starWars(String... extra) throws Exception {
    List<String> all = new ArrayList<>(List.of(Files.readString(DEATHSTAR_L7)));
    all.addAll(List.of(extra));
    return load(new ClusterParser().parse(STAR_WARS), all.toArray(String[]::new));
  }

  private static L7Trace trace(ClusterPolicy cp, String from, String to, int port, L7Request r) {
    return L7Trace.of(
        cp,
        cp.endpoint(from).orElseThrow(),
        cp.endpoint(to).orElseThrow(),
        Protocol.TCP.number(),
        port,
        r);
  }

  private static HttpRequest http(String method, String path, Header... headers) {
    return new HttpRequest(method, path, Optional.empty(), List.of(headers));
  }

  private static KafkaRequest kafka(String key, Optional<String> client, String... topics) {
    return new KafkaRequest(
        KafkaApiKeys.parse(key).orElseThrow(), Optional.empty(), client, List.of(topics));
  }

  @Test
  void aLandingRequestIsAllowedByTheNamedRule() throws Exception {
    L7Trace t =
        trace(
            starWars(),
            "default/tiefighter",
            "default/deathstar",
            80,
            http("POST", "/v1/request-landing"));
    assertThat(t.outcome()).isEqualTo(L7Outcome.ALLOWED);
    L7SideTrace side = t.sides().getFirst();
    assertThat(side.direction().lowerName()).isEqualTo("ingress");
    assertThat(side.parser()).isEqualTo(L7Parser.HTTP);
    assertThat(side.matched()).hasSize(1);
    L7RuleTrace rule = side.matched().getFirst();
    assertThat(rule.origin().name()).isEqualTo("rule1");
    assertThat(rule.where())
        .isEqualTo("CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[0]");
  }

  @Test
  void theExhaustPortIsRefusedWithWhatWasTried() throws Exception {
    L7Trace t =
        trace(
            starWars(),
            "default/tiefighter",
            "default/deathstar",
            80,
            http("PUT", "/v1/exhaust-port"));
    assertThat(t.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(t.reason())
        .isEqualTo("no L7 rule admits the request on ingress of default/deathstar");
    L7RuleTrace tried = t.sides().getFirst().rules().getFirst();
    assertThat(tried.result().matched()).isFalse();
    assertThat(tried.result().reasons())
        .containsExactly(
            "method \"PUT\" does not match \"POST\"",
            "path \"/v1/exhaust-port\" does not match \"/v1/request-landing\"");
  }

  @Test
  void l3l4DecidesBeforeL7AndAPortWithoutRedirectIsNotL7s() throws Exception {
    ClusterPolicy cp = starWars();
    L7Trace xwing =
        trace(cp, "default/xwing", "default/deathstar", 80, http("POST", "/v1/request-landing"));
    assertThat(xwing.outcome()).isEqualTo(L7Outcome.DENIED_AT_L3_L4);
    assertThat(xwing.reason())
        .isEqualTo("denied at L3/L4 on ingress of default/deathstar, before any L7 rule");
    L7Trace open = trace(cp, "default/xwing", "default/tiefighter", 80, http("PUT", "/"));
    assertThat(open.outcome()).isEqualTo(L7Outcome.NOT_REDIRECTED);
    assertThat(open.sides()).isEmpty();
  }

  @Test
  void anL3AllowOfTheSamePeerAdmitsEveryRequest() throws Exception {
    String l3 =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: tiefighters-anywhere, namespace: default}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {class: tiefighter}}]
        """;
    L7Trace t =
        trace(
            starWars(l3),
            "default/tiefighter",
            "default/deathstar",
            80,
            http("PUT", "/v1/exhaust-port"));
    assertThat(t.outcome()).isEqualTo(L7Outcome.ALLOWED);
    L7RuleTrace by = t.sides().getFirst().matched().getFirst();
    assertThat(by.allowsEveryRequest()).isTrue();
    assertThat(by.where())
        .isEqualTo("CiliumNetworkPolicy default/tiefighters-anywhere spec.ingress[0]");
  }

  @Test
  void headerRulesAreORedWithTheOthers() throws Exception {
    String headers =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: force, namespace: default}
        spec:
          endpointSelector: {matchLabels: {class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts:
            - ports: [{port: "80", protocol: TCP}]
              rules:
                http:
                - {method: PUT, path: /v1/exhaust-port, headers: ["X-Has-Force: True"]}
        """;
    ClusterPolicy cp = starWars(headers);
    L7Trace withForce =
        trace(
            cp,
            "default/tiefighter",
            "default/deathstar",
            80,
            http("PUT", "/v1/exhaust-port", new Header("X-Has-Force", "True")));
    assertThat(withForce.outcome()).isEqualTo(L7Outcome.ALLOWED);
    assertThat(withForce.sides().getFirst().matched().getFirst().where())
        .isEqualTo("CiliumNetworkPolicy default/force spec.ingress[0].toPorts[0].rules.http[0]");
    L7Trace without =
        trace(cp, "default/tiefighter", "default/deathstar", 80, http("PUT", "/v1/exhaust-port"));
    assertThat(without.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(without.sides().getFirst().rules())
        .extracting(r -> r.result().reasons().getLast())
        .containsExactly(
            "path \"/v1/exhaust-port\" does not match \"/v1/request-landing\"",
            "header X-Has-Force is missing");
  }

  @Test
  void aRequestOfAnotherProtocolThanThePortsIsRefusedAsAMismatch() throws Exception {
    assertThatThrownBy(
            () ->
                trace(
                    starWars(),
                    "default/tiefighter",
                    "default/deathstar",
                    80,
                    kafka("produce", Optional.empty(), "t")))
        .isInstanceOf(L7ParserMismatch.class)
        .hasMessage("the port is redirected to the HTTP proxy on ingress of default/deathstar");
  }

  @Test
  void grpcCallsOfTheDoorManager() throws Exception {
    ClusterPolicy cp =
        load(
            new ClusterParser().parse(KAFKA_CLUSTER),
            Files.readString(
                ROOT.resolve(
                    "corpus/cilium-examples/examples/kubernetes-grpc/cc-door-ingress-security.yaml")));
    L7Trace name =
        trace(
            cp,
            "default/terminal",
            "default/cc-door-mgr",
            50051,
            HttpRequest.grpc("/cloudcity.DoorManager/GetLocation", Optional.empty(), List.of()));
    assertThat(name.outcome()).isEqualTo(L7Outcome.ALLOWED);
    assertThat(name.sides().getFirst().matched().getFirst().l7Path())
        .contains("spec.ingress[0].toPorts[0].rules.http[1]");
    L7Trace code =
        trace(
            cp,
            "default/terminal",
            "default/cc-door-mgr",
            50051,
            HttpRequest.grpc("/cloudcity.DoorManager/SetAccessCode", Optional.empty(), List.of()));
    assertThat(code.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(code.sides().getFirst().rules()).hasSize(3);
  }

  @Test
  void kafkaProduceAndConsumeAsCiliumsStarWarsExample() throws Exception {
    ClusterPolicy cp = load(new ClusterParser().parse(KAFKA_CLUSTER), Files.readString(KAFKA));
    L7Trace plans =
        trace(
            cp,
            "default/empire-hq",
            "default/kafka-broker",
            9092,
            kafka("produce", Optional.empty(), "deathstar-plans"));
    assertThat(plans.outcome()).isEqualTo(L7Outcome.ALLOWED);
    assertThat(plans.sides().getFirst().matched().getFirst().where())
        .isEqualTo(
            "CiliumNetworkPolicy default/secure-empire-kafka"
                + " specs[0].ingress[0].toPorts[0].rules.kafka[0]");
    L7Trace other =
        trace(
            cp,
            "default/empire-hq",
            "default/kafka-broker",
            9092,
            kafka("produce", Optional.empty(), "alliance-plans"));
    assertThat(other.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(other.sides().getFirst().rules())
        .extracting(r -> r.result().reasons().getFirst())
        .containsExactly(
            "topic \"deathstar-plans\" is not among the request's [alliance-plans]",
            "topic \"empire-announce\" is not among the request's [alliance-plans]");
    L7Trace outpostProduce =
        trace(
            cp,
            "default/empire-outpost",
            "default/kafka-broker",
            9092,
            kafka("produce", Optional.empty(), "empire-announce"));
    assertThat(outpostProduce.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(outpostProduce.sides().getFirst().rules().getFirst().result().reasons())
        .containsExactly("role consume does not include the API key produce");
    L7Trace outpostFetch =
        trace(
            cp,
            "default/empire-outpost",
            "default/kafka-broker",
            9092,
            kafka("fetch", Optional.empty(), "empire-announce"));
    assertThat(outpostFetch.outcome()).isEqualTo(L7Outcome.ALLOWED);
  }

  @Test
  void kafkaClientIdNarrowsARule() throws Exception {
    String policy =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: hq-client, namespace: default}
        spec:
          endpointSelector: {matchLabels: {app: kafka}}
          ingress:
          - fromEndpoints: [{matchLabels: {app: empire-hq}}]
            toPorts:
            - ports: [{port: "9092", protocol: TCP}]
              rules:
                kafka:
                - {apiKey: produce, clientID: vader, topic: deathstar-plans}
        """;
    ClusterPolicy cp = load(new ClusterParser().parse(KAFKA_CLUSTER), policy);
    assertThat(
            trace(
                    cp,
                    "default/empire-hq",
                    "default/kafka-broker",
                    9092,
                    kafka("produce", Optional.of("vader"), "deathstar-plans"))
                .outcome())
        .isEqualTo(L7Outcome.ALLOWED);
    L7Trace tarkin =
        trace(
            cp,
            "default/empire-hq",
            "default/kafka-broker",
            9092,
            kafka("produce", Optional.of("tarkin"), "deathstar-plans"));
    assertThat(tarkin.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(tarkin.sides().getFirst().rules().getFirst().result().reasons())
        .containsExactly("clientID \"tarkin\" is not \"vader\"");
  }

  /**
   * DNS rules are refused by validation while no DNS proxy exists, so this builds the rule without
   * it: the trace and the evaluator are ready for the proxy.
   */
  @Test
  void dnsQueriesOnAnEgressDnsRule() throws Exception {
    Rule rule =
        new ObjectMapper(new YAMLFactory())
            .readValue(
                """
                endpointSelector: {matchLabels: {class: tiefighter}}
                egress:
                - toPorts:
                  - ports: [{port: "53", protocol: ANY}]
                    rules:
                      dns:
                      - matchName: deathstar.empire.svc
                      - matchPattern: "*.cilium.io"
                """,
                Rule.class);
    PolicyRule translated =
        new CiliumRuleTranslator("CiliumNetworkPolicy", "default", "dns", CidrGroups.none())
            .translate(rule, "spec");
    ClusterPolicy cp =
        new ClusterPolicy(
            new ClusterParser().parse(STAR_WARS).cluster(),
            List.of(translated),
            new InMemoryIdentityAllocator());
    FlowEndpoint tie = cp.endpoint("default/tiefighter").orElseThrow();
    FlowEndpoint dns = cp.endpoint("10.96.0.10").orElseThrow();
    int udp = Protocol.UDP.number();
    L7Trace docs = L7Trace.of(cp, tie, dns, udp, 53, new DnsQuery("Docs.Cilium.IO."));
    assertThat(docs.outcome()).isEqualTo(L7Outcome.ALLOWED);
    assertThat(docs.sides().getFirst().matched().getFirst().where())
        .isEqualTo("CiliumNetworkPolicy default/dns spec.egress[0].toPorts[0].rules.dns[1]");
    assertThat(L7Trace.of(cp, tie, dns, udp, 53, new DnsQuery("deathstar.empire.svc")).outcome())
        .isEqualTo(L7Outcome.ALLOWED);
    L7Trace deep = L7Trace.of(cp, tie, dns, udp, 53, new DnsQuery("a.b.cilium.io"));
    assertThat(deep.outcome()).isEqualTo(L7Outcome.REFUSED);
    assertThat(deep.sides().getFirst().rules())
        .extracting(r -> r.result().reasons().getFirst())
        .containsExactly(
            "matchName deathstar.empire.svc is not a.b.cilium.io",
            "matchPattern *.cilium.io does not match a.b.cilium.io");
  }
}
