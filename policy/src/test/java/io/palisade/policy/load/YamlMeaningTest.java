package io.palisade.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.SelectorCluster;
import io.palisade.policy.mapstate.Verdict;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * YAML means what it says, as Kubernetes' decoder reads it: an alias is the value its anchor names
 * wherever it stands (value, mapping, list, key, merge key), and a document with aliases resolves
 * to the same MapState as the same document written out.
 */
class YamlMeaningTest {

  private static final Cluster STAR_WARS =
      new ClusterParser().parse(Path.of("../config/samples/cluster.yaml")).cluster();

  /** The probe: the deny names the Alliance through an alias of an annotation. */
  private static final String DENY_BY_ALIAS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: deny-rebels
        namespace: default
        annotations: {blocked-org: &rebels alliance}
      spec:
        endpointSelector: {matchLabels: {class: deathstar}}
        ingress: [{fromEntities: [cluster]}]
        ingressDeny: [{fromEndpoints: [{matchLabels: {org: *rebels}}]}]
      """;

  private final YamlDocuments yaml = new YamlDocuments();

  @Test
  void anAliasedValueIsTheAnchorsValueNotItsName() {
    JsonNode doc = only(DENY_BY_ALIAS);
    assertThat(doc.at("/spec/ingressDeny/0/fromEndpoints/0/matchLabels/org").asText())
        .isEqualTo("alliance");

    ClusterPolicy cp = policyOf(DENY_BY_ALIAS);
    assertThat(verdict(cp, "default/xwing", "default/deathstar")).isEqualTo(Verdict.DENY);
    assertThat(verdict(cp, "default/tiefighter", "default/deathstar")).isEqualTo(Verdict.ALLOW);
  }

  @Test
  void anAliasedMappingIsACopyOfTheMapping() {
    JsonNode doc = only("a: &sel {matchLabels: {org: empire}}\nb: *sel\n");
    assertThat(doc.get("b")).isEqualTo(doc.get("a"));
    assertThat(doc.at("/b/matchLabels/org").asText()).isEqualTo("empire");
  }

  @Test
  void anAliasedListIsACopyOfTheList() {
    JsonNode doc = only("a: &ports [{port: '80'}, {port: '443'}]\nb: {ports: *ports}\n");
    assertThat(doc.at("/b/ports")).isEqualTo(doc.get("a"));
    assertThat(doc.at("/b/ports/1/port").asText()).isEqualTo("443");
  }

  @Test
  void anAliasedKeyIsTheAnchorsValue() {
    JsonNode doc = only("keys: [&k org]\nmatchLabels: {*k : empire}\n");
    assertThat(doc.at("/matchLabels/org").asText()).isEqualTo("empire");
  }

  @Test
  void aMergeKeyBringsInTheEntriesTheMappingDoesNotSet() {
    JsonNode doc =
        only(
            """
            base: &base {org: empire, class: tiefighter}
            extra: &extra {class: xwing, rank: pilot}
            one: {<<: *base, class: deathstar}
            many: {class: deathstar, <<: [*base, *extra]}
            """);
    assertThat(doc.get("one").toString()).isEqualTo("{\"class\":\"deathstar\",\"org\":\"empire\"}");
    // Explicit keys win; among merged mappings the first wins.
    assertThat(doc.get("many").toString())
        .isEqualTo("{\"class\":\"deathstar\",\"org\":\"empire\",\"rank\":\"pilot\"}");
  }

  @Test
  void aQuotedMergeKeyIsAnOrdinaryKey() {
    assertThat(only("m: {\"<<\": {x: 1}}\n").at("/m/<<").isObject()).isTrue();
  }

  @Test
  void aDocumentAndItsWrittenOutTwinGiveTheSameMapState() {
    String aliased =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: rule1, namespace: default}
        spec:
          endpointSelector: &deathstar {matchLabels: {org: &empire empire, class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: *empire}}]
            toPorts: &web [{ports: [{port: "80", protocol: TCP}]}]
          - fromEndpoints: [{matchLabels: {class: xwing}}]
            toPorts: [{ports: [{<<: &dns {port: "53"}, protocol: UDP}]}]
          egress:
          - toEndpoints: [*deathstar]
            toPorts: *web
        """;
    String writtenOut =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: rule1, namespace: default}
        spec:
          endpointSelector: {matchLabels: {org: empire, class: deathstar}}
          ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
          - fromEndpoints: [{matchLabels: {class: xwing}}]
            toPorts: [{ports: [{port: "53", protocol: UDP}]}]
          egress:
          - toEndpoints: [{matchLabels: {org: empire, class: deathstar}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """;
    assertThat(yaml.split(aliased).documents()).isEqualTo(yaml.split(writtenOut).documents());

    ClusterPolicy a = policyOf(aliased);
    ClusterPolicy b = policyOf(writtenOut);
    assertThat(SelectorCluster.mapStates(a)).isEqualTo(SelectorCluster.mapStates(b));
    assertThat(SelectorCluster.mapStates(a).get("default/deathstar").size()).isPositive();
    assertThat(SelectorCluster.allowed(a)).isEqualTo(SelectorCluster.allowed(b));
  }

  @Test
  void aKeyGivenTwiceIsAnError() {
    // Which of the two would count is a guess; a careless edit must not decide who gets in.
    assertThat(problem("matchLabels:\n  org: empire\n  org: alliance\n"))
        .isEqualTo("document 1 at line 3, column 3: matchLabels: the key \"org\" is given twice");
  }

  @Test
  void aliasesThatCannotBeResolvedAreErrorsAtTheirPlace() {
    assertThat(problem("a: *nowhere\n"))
        .isEqualTo(
            "document 1 at line 1, column 4: a: the alias *nowhere names no anchor before it");
    assertThat(problem("a: &loop [x, *loop]\n"))
        .isEqualTo(
            "document 1 at line 1, column 14: a[1]: the alias *loop is inside the node its anchor"
                + " names");
    assertThat(problem("m: {<<: 5}\n"))
        .isEqualTo(
            "document 1 at line 1, column 10: m.<<: a merge key takes a mapping or a list of"
                + " mappings");
  }

  @Test
  void anAnchorBelongsToItsDocument() {
    YamlDocuments.Split split = yaml.split("a: &x 1\n---\nb: *x\n");
    assertThat(split.documents()).hasSize(1);
    assertThat(split.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("document 2 "));
  }

  private JsonNode only(String text) {
    YamlDocuments.Split split = yaml.split(text);
    assertThat(split.problem()).isEmpty();
    assertThat(split.documents()).hasSize(1);
    return split.documents().getFirst();
  }

  private String problem(String text) {
    YamlDocuments.Split split = yaml.split(text);
    assertThat(split.documents()).isEmpty();
    return split.problem().orElseThrow();
  }

  private static ClusterPolicy policyOf(String text) {
    LoadResult r = new PolicyLoader().load("policy.yaml", text);
    assertThat(r.errors()).isEmpty();
    return SelectorCluster.policy(STAR_WARS, r.policySet().rules());
  }

  private static Verdict verdict(ClusterPolicy cp, String from, String to) {
    FlowEndpoint src = cp.endpoint(from).orElseThrow();
    FlowEndpoint dst = cp.endpoint(to).orElseThrow();
    return cp.decide(src, dst, Protocol.TCP.number(), 80).verdict();
  }
}
