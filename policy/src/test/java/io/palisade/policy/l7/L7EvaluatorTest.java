package io.palisade.policy.l7;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import io.palisade.crds.api.SecretRef;
import io.palisade.policy.l7.HttpRequest.Header;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class L7EvaluatorTest {

  private static final PortRuleHTTP LANDING =
      new PortRuleHTTP("/v1/request-landing", "POST", null, null, null);

  private static HttpRequest http(String method, String path, Header... headers) {
    return new HttpRequest(method, path, Optional.empty(), List.of(headers));
  }

  private static KafkaRequest kafka(String key, String... topics) {
    return new KafkaRequest(
        KafkaApiKeys.parse(key).orElseThrow(), Optional.empty(), Optional.empty(), List.of(topics));
  }

  @Test
  void methodAndPathAreRe2FullMatches() {
    assertThat(
            L7Evaluator.evaluate(List.of(LANDING), http("POST", "/v1/request-landing")).allowed())
        .isTrue();
    L7Decision put = L7Evaluator.evaluate(List.of(LANDING), http("PUT", "/v1/exhaust-port"));
    assertThat(put.allowed()).isFalse();
    assertThat(put.rules().getFirst().reasons())
        .containsExactly(
            "method \"PUT\" does not match \"POST\"",
            "path \"/v1/exhaust-port\" does not match \"/v1/request-landing\"");
    // A full match: a longer path is not a prefix match, and a query is part of the path.
    assertThat(
            L7Evaluator.evaluate(List.of(LANDING), http("POST", "/v1/request-landing/x")).allowed())
        .isFalse();
    assertThat(
            L7Evaluator.evaluate(List.of(LANDING), http("POST", "/v1/request-landing?a=1"))
                .allowed())
        .isFalse();
    PortRuleHTTP prefix = new PortRuleHTTP("/public/.*", "GET|HEAD", null, null, null);
    assertThat(L7Evaluator.evaluate(List.of(prefix), http("HEAD", "/public/a?b")).allowed())
        .isTrue();
    assertThat(L7Evaluator.evaluate(List.of(prefix), http("GETX", "/public/a")).allowed())
        .isFalse();
  }

  @Test
  void hostIsMatchedAgainstTheAuthorityAndMissingHostMatchesNoHostRule() {
    PortRuleHTTP rule = new PortRuleHTTP(null, null, "api\\.example\\.com", null, null);
    HttpRequest with = new HttpRequest("GET", "/", Optional.of("api.example.com"), List.of());
    assertThat(L7Evaluator.evaluate(List.of(rule), with).allowed()).isTrue();
    L7Decision without = L7Evaluator.evaluate(List.of(rule), http("GET", "/"));
    assertThat(without.allowed()).isFalse();
    assertThat(without.rules().getFirst().reasons().getFirst())
        .startsWith("host: the request has none");
  }

  @Test
  void headersAskForPresenceOrAnExactValueAndNamesIgnoreCase() {
    PortRuleHTTP present = new PortRuleHTTP(null, null, null, List.of("X-Has-Force"), null);
    PortRuleHTTP exact = new PortRuleHTTP(null, null, null, List.of("X-Has-Force: True"), null);
    PortRuleHTTP spaced = new PortRuleHTTP(null, null, null, List.of("X-Has-Force True"), null);
    Header t = new Header("x-has-force", "True");
    Header f = new Header("X-Has-Force", "False");
    assertThat(L7Evaluator.evaluate(List.of(present), http("GET", "/", f)).allowed()).isTrue();
    assertThat(
            L7Evaluator.evaluate(List.of(present), http("GET", "/")).rules().getFirst().reasons())
        .containsExactly("header X-Has-Force is missing");
    assertThat(L7Evaluator.evaluate(List.of(exact), http("GET", "/", t)).allowed()).isTrue();
    assertThat(L7Evaluator.evaluate(List.of(spaced), http("GET", "/", t)).allowed()).isTrue();
    assertThat(
            L7Evaluator.evaluate(List.of(exact), http("GET", "/", f)).rules().getFirst().reasons())
        .containsExactly("header X-Has-Force is \"False\", not \"True\"");
  }

  @Test
  void headerMatchesAreExactOrPresenceAndUnenforceableOnesAdmitNothing() {
    PortRuleHTTP value =
        new PortRuleHTTP(
            null, null, null, null, List.of(new HeaderMatch(null, "token", null, "s3")));
    PortRuleHTTP present =
        new PortRuleHTTP(
            null, null, null, null, List.of(new HeaderMatch(null, "token", null, null)));
    PortRuleHTTP logged =
        new PortRuleHTTP(
            null, null, null, null, List.of(new HeaderMatch("LOG", "token", null, "s3")));
    PortRuleHTTP secret =
        new PortRuleHTTP(
            null,
            null,
            null,
            null,
            List.of(new HeaderMatch(null, "token", new SecretRef("ns", "s"), null)));
    Header good = new Header("Token", "s3");
    assertThat(L7Evaluator.evaluate(List.of(value), http("GET", "/", good)).allowed()).isTrue();
    assertThat(
            L7Evaluator.evaluate(List.of(value), http("GET", "/", new Header("token", "s4")))
                .allowed())
        .isFalse();
    assertThat(
            L7Evaluator.evaluate(List.of(present), http("GET", "/", new Header("token", "")))
                .allowed())
        .isTrue();
    assertThat(L7Evaluator.evaluate(List.of(logged), http("GET", "/", good)).allowed()).isFalse();
    assertThat(
            L7Evaluator.evaluate(List.of(secret), http("GET", "/", good))
                .rules()
                .getFirst()
                .reasons())
        .containsExactly(
            "headerMatches[0] takes its value from Secret ns/s, which is not served to the proxy:"
                + " the rule admits nothing");
  }

  @Test
  void rulesAreOredAndTheEmptyRuleAdmitsEverything() {
    PortRuleHTTP get = new PortRuleHTTP(null, "GET", null, null, null);
    L7Decision d = L7Evaluator.evaluate(List.of(LANDING, get), http("GET", "/anything"));
    assertThat(d.allowed()).isTrue();
    assertThat(d.matched()).extracting(RuleResult::index).containsExactly(1);
    assertThat(
            L7Evaluator.evaluate(
                    List.of(LANDING, new PortRuleHTTP(null, null, null, null, null)),
                    http("DELETE", "/"))
                .allowed())
        .isTrue();
    assertThat(L7Evaluator.evaluate(List.of(), http("GET", "/")).allowed()).isFalse();
  }

  @Test
  void grpcIsAnHttpPostToTheMethodsPath() {
    PortRuleHTTP door =
        new PortRuleHTTP("/cilium.examples.doorman.DoorManager/GetName", "POST", null, null, null);
    HttpRequest call =
        HttpRequest.grpc(
            "/cilium.examples.doorman.DoorManager/GetName", Optional.empty(), List.of());
    assertThat(L7Evaluator.evaluate(List.of(door), call).allowed()).isTrue();
    HttpRequest open =
        HttpRequest.grpc(
            "/cilium.examples.doorman.DoorManager/OpenDoor", Optional.empty(), List.of());
    assertThat(L7Evaluator.evaluate(List.of(door), open).allowed()).isFalse();
  }

  @Test
  void kafkaRolesExpandToCiliumsApiKeys() {
    PortRuleKafka produce = new PortRuleKafka("produce", null, null, null, "deathstar-plans");
    PortRuleKafka consume = new PortRuleKafka("consume", null, null, null, "empire-announce");
    assertThat(
            L7Evaluator.evaluate(List.of(produce), kafka("produce", "deathstar-plans")).allowed())
        .isTrue();
    assertThat(
            L7Evaluator.evaluate(List.of(produce), kafka("produce", "empire-announce")).allowed())
        .isFalse();
    // Metadata and ApiVersions are part of both roles; a request without topics ignores the topic.
    assertThat(L7Evaluator.evaluate(List.of(produce), kafka("apiversions")).allowed()).isTrue();
    assertThat(
            L7Evaluator.evaluate(List.of(produce), kafka("metadata", "deathstar-plans")).allowed())
        .isTrue();
    L7Decision refused =
        L7Evaluator.evaluate(List.of(consume), kafka("produce", "empire-announce"));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.rules().getFirst().reasons())
        .containsExactly("role consume does not include the API key produce");
    assertThat(L7Evaluator.evaluate(List.of(consume), kafka("fetch", "empire-announce")).allowed())
        .isTrue();
    assertThat(L7Evaluator.evaluate(List.of(consume), kafka("joingroup")).allowed()).isTrue();
    assertThat(L7Evaluator.evaluate(List.of(consume), kafka("createtopics", "x")).allowed())
        .isFalse();
  }

  @Test
  void aKafkaRequestWithSeveralTopicsNeedsEveryTopicCovered() {
    PortRuleKafka a = new PortRuleKafka(null, "produce", null, null, "a");
    PortRuleKafka b = new PortRuleKafka(null, "produce", null, null, "b");
    assertThat(L7Evaluator.evaluate(List.of(a, b), kafka("produce", "a", "b")).allowed()).isTrue();
    L7Decision half = L7Evaluator.evaluate(List.of(a), kafka("produce", "a", "b"));
    assertThat(half.allowed()).isFalse();
    assertThat(half.rules().getFirst().reasons())
        .containsExactly("covers topic a, but no rule covers b");
    // A topical request naming no topic (metadata of all topics) is not a topic rule's.
    assertThat(L7Evaluator.evaluate(List.of(a), kafka("produce")).allowed()).isFalse();
  }

  @Test
  void kafkaClientIdAndApiVersionAreExact() {
    PortRuleKafka rule = new PortRuleKafka(null, "produce", "5", "deathstar", null);
    KafkaRequest good = new KafkaRequest(0, Optional.of(5), Optional.of("deathstar"), List.of("t"));
    assertThat(L7Evaluator.evaluate(List.of(rule), good).allowed()).isTrue();
    KafkaRequest otherClient =
        new KafkaRequest(0, Optional.of(5), Optional.of("xwing"), List.of("t"));
    assertThat(L7Evaluator.evaluate(List.of(rule), otherClient).rules().getFirst().reasons())
        .containsExactly("clientID \"xwing\" is not \"deathstar\"");
    KafkaRequest noVersion =
        new KafkaRequest(0, Optional.empty(), Optional.of("deathstar"), List.of());
    assertThat(L7Evaluator.evaluate(List.of(rule), noVersion).allowed()).isFalse();
    KafkaRequest noClient = new KafkaRequest(0, Optional.of(5), Optional.empty(), List.of());
    assertThat(L7Evaluator.evaluate(List.of(rule), noClient).allowed()).isFalse();
  }

  @Test
  void kafkaApiKeysHaveTheProtocolsNumbers() {
    assertThat(KafkaApiKeys.parse("produce")).contains(0);
    assertThat(KafkaApiKeys.parse("Metadata")).contains(3);
    assertThat(KafkaApiKeys.parse("apiversions")).contains(18);
    assertThat(KafkaApiKeys.parse("alterconfigs")).contains(33);
    assertThat(KafkaApiKeys.parse("19")).contains(19);
    assertThat(KafkaApiKeys.parse("nonsense")).isEmpty();
    assertThat(KafkaApiKeys.names()).hasSize(34).doesNotContain("controlledshutdown");
  }

  @ParameterizedTest(name = "{0} / {1} -> {2}")
  @CsvSource({
    // matchName: exact, case-insensitive, trailing dot optional on either side
    "name:api.github.com, api.github.com, true",
    "name:api.github.com, API.GitHub.com., true",
    "name:api.github.com., api.github.com, true",
    "name:api.github.com, www.api.github.com, false",
    "name:api.github.com, api.github.co, false",
    // * is zero or more characters within one label
    "pattern:*.github.com, api.github.com, true",
    "pattern:*.github.com, API.GITHUB.COM., true",
    "pattern:*.github.com, a.b.github.com, false",
    "pattern:*.github.com, github.com, false",
    "pattern:*github.com, github.com, true",
    "pattern:*github.com, mygithub.com, true",
    "pattern:api*.github.com, api.github.com, true",
    "pattern:api*.github.com, api-v2.github.com, true",
    "pattern:api*.github.com, xapi.github.com, false",
    "pattern:a*b.example.com, ab.example.com, true",
    "pattern:a*b.example.com, a-x_b.example.com, true",
    // a mid-pattern ** is one *
    "pattern:a**b.example.com, axb.example.com, true",
    "pattern:a**b.example.com, a.b.example.com, false",
    // a leading **. is one or more whole labels
    "pattern:**.github.com, api.github.com, true",
    "pattern:**.github.com, a.b.c.github.com, true",
    "pattern:**.github.com, github.com, false",
    "pattern:***.github.com, a.b.github.com, true",
    // stars alone match every name
    "pattern:*, anything.example.org, true",
    "pattern:*, ., true",
    "pattern:**., a.b, true",
    // the dots of a pattern are literal dots
    "pattern:api.github.com, apixgithub.com, false",
    "pattern:api.github.com, API.github.com., true",
  })
  void dnsNamesAndPatternsFollowCilium(String rule, String name, boolean allowed) {
    FQDNSelector s =
        rule.startsWith("name:")
            ? new FQDNSelector(rule.substring(5), null)
            : new FQDNSelector(null, rule.substring(8));
    assertThat(L7Evaluator.evaluate(List.of(s), new DnsQuery(name)).allowed()).isEqualTo(allowed);
  }

  @Test
  void aRuleOfAnotherProtocolAdmitsNothing() {
    L7Decision d = L7Evaluator.evaluate(List.of(new FQDNSelector("a.com", null)), http("GET", "/"));
    assertThat(d.allowed()).isFalse();
    assertThat(d.rules().getFirst().reasons())
        .containsExactly("a dns rule does not apply to this request");
  }
}
