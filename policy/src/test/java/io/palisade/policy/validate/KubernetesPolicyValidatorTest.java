package io.palisade.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.KubernetesPolicyTranslator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each row is a policy spec and the exact errors the validator must report for it. */
class KubernetesPolicyValidatorTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Arguments> rows() {
    return Stream.of(
        row("a valid policy has no errors", "podSelector: {}\ningress: [{}]"),
        row(
            "an invalid CIDR",
            "podSelector: {}\ningress: [{from: [{podSelector: {}}, {ipBlock: {cidr: 10.0.0.0/33}}]}]",
            "spec.ingress[0].from[1].ipBlock.cidr: \"10.0.0.0/33\" is not a CIDR: prefix length out of"
                + " range"),
        row(
            "a bare address is not a CIDR",
            "podSelector: {}\negress: [{to: [{ipBlock: {cidr: 10.0.0.1}}]}]",
            "spec.egress[0].to[0].ipBlock.cidr: \"10.0.0.1\" is not a CIDR: no '/'"),
        row(
            "an ipBlock needs a cidr",
            "podSelector: {}\negress: [{to: [{ipBlock: {except: [10.0.0.0/8]}}]}]",
            "spec.egress[0].to[0].ipBlock.cidr: must be given"),
        row(
            "an exception outside the cidr, an equal one and an invalid one",
            "podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 192.168.0.0/16,"
                + " except: [10.1.0.0/16, 192.168.0.0/16, nope, 192.168.1.0/24]}}]}]",
            "spec.ingress[0].from[0].ipBlock.except[0]: \"10.1.0.0/16\" is not strictly inside"
                + " cidr \"192.168.0.0/16\"",
            "spec.ingress[0].from[0].ipBlock.except[1]: \"192.168.0.0/16\" is not strictly inside"
                + " cidr \"192.168.0.0/16\"",
            "spec.ingress[0].from[0].ipBlock.except[2]: \"nope\" is not a CIDR: no '/'"),
        row(
            "ports out of range",
            "podSelector: {}\ningress: [{ports: [{port: 0}, {port: 65536}, {port: 80, endPort: 70000}]}]",
            "spec.ingress[0].ports[0].port: \"0\" is not a port number (1-65535)",
            "spec.ingress[0].ports[1].port: \"65536\" is not a port number (1-65535)",
            "spec.ingress[0].ports[2].endPort: \"70000\" is not a port number (1-65535)"),
        row(
            "endPort below port, with a named port, and without a port",
            "podSelector: {}\negress: [{ports: [{port: 80, endPort: 79},"
                + " {port: http, endPort: 90}, {endPort: 90}]}]",
            "spec.egress[0].ports[0].endPort: \"79\" is less than port \"80\"",
            "spec.egress[0].ports[1].endPort: \"90\" cannot be used with named port \"http\"",
            "spec.egress[0].ports[2].endPort: \"90\" needs a numeric port"),
        row(
            "unknown protocols, exactly as Kubernetes spells them",
            "podSelector: {}\ningress: [{ports: [{port: 80, protocol: ICMP},"
                + " {port: 80, protocol: tcp}, {port: 80, protocol: SCTP}]}]",
            "spec.ingress[0].ports[0].protocol: \"ICMP\" is not a supported protocol (TCP, UDP,"
                + " SCTP)",
            "spec.ingress[0].ports[1].protocol: \"tcp\" is not a supported protocol (TCP, UDP,"
                + " SCTP)"),
        row(
            "port names and quoted numbers",
            "podSelector: {}\ningress: [{ports: [{port: '80'}, {port: HTTP}, {port: web-http}]}]",
            "spec.ingress[0].ports[0].port: \"80\" is a number written as a string; write it"
                + " unquoted",
            "spec.ingress[0].ports[1].port: \"HTTP\" is not a valid port name (at most 15"
                + " lowercase letters, digits and '-', with a letter and no '--')"),
        row(
            "selector operators and their values",
            "podSelector: {matchExpressions: [{key: app, operator: Equals, values: [web]},"
                + " {key: app, operator: In}, {key: app, operator: NotIn, values: []},"
                + " {key: app, operator: Exists, values: [web]}, {key: app, operator: DoesNotExist},"
                + " {key: app}]}",
            "spec.podSelector.matchExpressions[0].operator: \"Equals\" is not a selector operator"
                + " (In, NotIn, Exists, DoesNotExist)",
            "spec.podSelector.matchExpressions[1].values: operator \"In\" needs at least one value",
            "spec.podSelector.matchExpressions[2].values: operator \"NotIn\" needs at least one"
                + " value",
            "spec.podSelector.matchExpressions[3].values: operator \"Exists\" takes no values, got"
                + " [\"web\"]",
            "spec.podSelector.matchExpressions[5].operator: must be given (In, NotIn, Exists,"
                + " DoesNotExist)"),
        row(
            "label keys and values in peer selectors",
            "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {'k8s:team': a}},"
                + " podSelector: {matchLabels: {app: 'no spaces'}}}]}]",
            "spec.ingress[0].from[0].podSelector.matchLabels[app]: \"no spaces\" is not a valid"
                + " label value (at most 63 letters, digits, '-', '_' or '.', starting and ending"
                + " alphanumeric)",
            "spec.ingress[0].from[0].namespaceSelector.matchLabels: \"k8s:team\" is not a valid"
                + " label key (an optional DNS subdomain and '/', then at most 63 letters, digits,"
                + " '-', '_' or '.')"),
        row(
            "policy types",
            "podSelector: {}\npolicyTypes: [Ingress, ingress, Ingress]",
            "spec.policyTypes[1]: \"ingress\" is not a policy type (Ingress, Egress)",
            "spec.policyTypes[2]: \"Ingress\" is listed more than once"),
        row(
            "peers must name one kind of peer",
            "podSelector: {}\negress: [{to: [{}, {ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]",
            "spec.egress[0].to[0]: must name a podSelector, namespaceSelector or ipBlock",
            "spec.egress[0].to[1]: ipBlock cannot be combined with podSelector or"
                + " namespaceSelector"),
        row(
            "unknown fields are errors, not silently dropped",
            "podSelector: {}\ningres: [{}]\negress: [{too: [{podSelector: {}}],"
                + " ports: [{port: 80, protocl: UDP}]}]",
            "spec.ingres: unknown field \"ingres\" (did you mean \"ingress\"?)",
            "spec.egress[0].too: unknown field \"too\" (did you mean \"to\"?)",
            "spec.egress[0].ports[0].protocl: unknown field \"protocl\" (did you mean"
                + " \"protocol\"?)"));
  }

  private static Arguments row(String name, String spec, String... errors) {
    return Arguments.of(name, spec, List.of(errors));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void errors(String name, String spec, List<String> expected) throws Exception {
    String doc =
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n"
            + "spec:\n"
            + spec.indent(2);
    assertThat(loaded(doc)).containsExactlyElementsOf(expected);
    if (!name.startsWith("unknown fields")) {
      // Whatever the validator says, translation still produces a rule.
      assertThat(KubernetesPolicyTranslator.rule(parse(doc)).origin().kind())
          .isEqualTo("NetworkPolicy");
    }
  }

  @Test
  void everyErrorOfTheObjectAtOnce() throws Exception {
    String doc =
        "apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {namespace: prod}\n"
            + "spec:\n  podSelector: {}\n  ingress: [{ports: [{port: 99999}]}]";
    assertThat(loaded(doc))
        .containsExactly(
            "apiVersion: \"extensions/v1beta1\" is not served for NetworkPolicy; use"
                + " networking.k8s.io/v1",
            "metadata.name: must be set",
            "spec.ingress[0].ports[0].port: \"99999\" is not a port number (1-65535)");
  }

  @Test
  void anInvalidObjectNameIsNamed() throws Exception {
    String doc =
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: Bad_Name}\n";
    assertThat(loaded(doc))
        .containsExactly(
            "metadata.name: \"Bad_Name\" is not a DNS subdomain: at most 253 lowercase letters,"
                + " digits, '-' and '.'");
  }

  @Test
  void neverThrowsOnEmptyOrNullParts() throws Exception {
    NetworkPolicy empty = new NetworkPolicy();
    assertThat(messages(empty)).isEmpty();
    assertThat(KubernetesPolicyTranslator.rule(empty).origin().namespace()).isEqualTo("default");
    NetworkPolicy nulls =
        parse(
            "metadata: {name: p}\nspec:\n  podSelector: {matchExpressions: [~]}\n"
                + "  ingress: [~, {from: [~], ports: [~]}]\n  egress: [{to: [{ipBlock: {}}]}]");
    assertThat(messages(nulls))
        .containsExactly(
            "spec.podSelector.matchExpressions[0].key: must be given",
            "spec.ingress[1].from[0]: must name a podSelector, namespaceSelector or ipBlock",
            "spec.egress[0].to[0].ipBlock.cidr: must be given");
    assertThat(KubernetesPolicyTranslator.rule(nulls).sections()).hasSize(3);
    assertThat(messages(null)).containsExactly("no NetworkPolicy given");
  }

  private static NetworkPolicy parse(String yaml) throws Exception {
    return YAML.readValue(yaml, NetworkPolicy.class);
  }

  /** The errors of a document as the loader reports them: shape, metadata and meaning. */
  private static List<String> loaded(String doc) {
    return new PolicyLoader()
        .load("np.yaml", doc).errors().stream().map(e -> e.error().toString()).toList();
  }

  private static List<String> messages(NetworkPolicy np) {
    return KubernetesPolicyValidator.validate(np).stream().map(FieldError::toString).toList();
  }
}
