package io.palisade.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.validate.KubernetesPolicyValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Kubernetes NetworkPolicy in Cilium's examples (the cilium-cli templates rendered with
 * sample values) is valid and translates into the rule the table below expects.
 */
class KubernetesPolicyCorpusTest {

  private static final Path CORPUS = Path.of("../corpus/cilium-examples");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Sample values for the cilium-cli connectivity templates. */
  private static final Map<String, String> TEMPLATE_VALUES =
      Map.of(
          "ControlPlaneCIDRs", "172.18.0.2/32",
          "NodeCIDRs", "172.18.0.0/16",
          "ExternalIPv4", "1.1.1.1",
          "ExternalIPv6", "2606:4700:4700::1111",
          "ExternalCIDRv4", "1.0.0.0/8",
          "ExternalOtherIPv4", "1.0.0.1",
          "ExternalCIDRv6", "2606:4700::/96",
          "ExternalOtherIPv6", "2606:4700::1001");

  /** Each file's policies: name, the directions covered, and the number of sections. */
  private static final Map<String, String> EXPECTED =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-egress-to-cidr-cp-host-knp.yaml",
                  "client-egress-to-cidr-cp-host [EGRESS, INGRESS] 1"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-egress-to-cidr-external-knp.yaml",
                  "client-egress-to-cidr [EGRESS, INGRESS] 1"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-egress-to-cidr-node-knp.yaml",
                  "client-egress-to-node-cidr [EGRESS, INGRESS] 1"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-egress-to-echo-expression-knp-port-range.yaml",
                  "client-egress-to-echo-expression-port-range [EGRESS] 1"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-egress-to-echo-expression-knp.yaml",
                  "client-egress-to-echo-expression [EGRESS] 1"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-egress-to-echo-knp.yaml",
                  "client-egress-to-echo [EGRESS, INGRESS] 3"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/client-ingress-from-client2-knp.yaml",
                  "client-ingress-from-client2 [INGRESS] 1"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/deny-all-egress-knp.yaml",
                  "all-egress-deny [EGRESS] 0"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/deny-all-ingress-knp.yaml",
                  "all-ingress-deny [INGRESS] 0"),
              Map.entry(
                  "cilium-cli/connectivity/builder/manifests/echo-ingress-from-other-client-knp.yaml",
                  "echo-ingress-from-other-client [INGRESS] 1"),
              Map.entry(
                  "examples/kubernetes/connectivity-check/connectivity-check-netpol-only.yaml",
                  "pod-to-a-denied-cnp [EGRESS] 1"),
              Map.entry(
                  "examples/misc/guestbook/network-policy/guestbook-policy-redis.json",
                  "guestbook-redis [INGRESS] 1"),
              Map.entry(
                  "test/k8s/manifests/netpol-namespace-selector.yaml",
                  "netpol-namespace-selector [INGRESS] 1")));

  @Test
  void everyNetworkPolicyInTheCorpusIsValidAndTranslates() throws IOException {
    Map<String, String> actual = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, NetworkPolicy> e : corpusPolicies().entrySet()) {
      NetworkPolicy np = e.getValue();
      for (FieldError err : KubernetesPolicyValidator.validate(np)) {
        errors.add(e.getKey() + ": " + err);
      }
      PolicyRule rule = KubernetesPolicyTranslator.translate(np).rule();
      actual.put(
          e.getKey(),
          rule.origin().name()
              + " "
              + rule.directions().stream().map(Enum::name).sorted().toList()
              + " "
              + rule.sections().size());
    }
    assertThat(errors).isEmpty();
    assertThat(actual).containsExactlyEntriesOf(EXPECTED);
  }

  @Test
  void theConnectivityTestsEgressPolicyGivesItsVerdicts() throws IOException {
    NetworkPolicy np =
        corpusPolicies()
            .get("cilium-cli/connectivity/builder/manifests/client-egress-to-echo-knp.yaml");
    np.getMetadata().setNamespace("cilium-test");
    Cluster cluster =
        new Cluster(
            List.of(new Namespace("cilium-test", Map.of()), new Namespace("kube-system", Map.of())),
            List.of(
                pod("cilium-test", "client", "10.0.0.1", Map.of("kind", "client")),
                pod("cilium-test", "echo", "10.0.0.2", Map.of("kind", "echo")),
                pod("kube-system", "coredns", "10.0.0.3", Map.of("k8s-app", "kube-dns"))));
    ClusterPolicy cp =
        new ClusterPolicy(
            cluster,
            new PolicySet().add(KubernetesPolicyTranslator.translate(np)).rules(),
            new InMemoryIdentityAllocator());
    assertThat(verdict(cp, "cilium-test/client", "cilium-test/echo", Protocol.TCP, 8080))
        .isEqualTo("ALLOWED");
    assertThat(verdict(cp, "cilium-test/client", "cilium-test/echo", Protocol.TCP, 8081))
        .isEqualTo("DENIED");
    // The third rule has no peers: UDP 53 to anyone, in the cluster or not.
    assertThat(verdict(cp, "cilium-test/client", "8.8.8.8", Protocol.UDP, 53)).isEqualTo("ALLOWED");
    assertThat(verdict(cp, "cilium-test/client", "kube-system/coredns", Protocol.UDP, 53))
        .isEqualTo("ALLOWED");
    // A pod selector stays in the policy's namespace, so its kube-system term selects nothing.
    assertThat(verdict(cp, "cilium-test/client", "kube-system/coredns", Protocol.TCP, 53))
        .isEqualTo("DENIED");
    // The echo pod is not selected: no policy applies to it.
    assertThat(verdict(cp, "cilium-test/echo", "8.8.8.8", Protocol.TCP, 443)).isEqualTo("ALLOWED");
    assertThat(
            cp.explain(
                    Direction.EGRESS,
                    cp.endpoint("cilium-test/client").orElseThrow(),
                    cp.endpoint("cilium-test/echo").orElseThrow(),
                    Protocol.TCP.number(),
                    8080)
                .matched())
        .hasSize(1);
  }

  private static String verdict(ClusterPolicy cp, String from, String to, Protocol p, int port) {
    return cp.decide(
            cp.endpoint(from).orElseThrow(), cp.endpoint(to).orElseThrow(), p.number(), port)
        .outcome()
        .name();
  }

  private static Pod pod(String ns, String name, String ip, Map<String, String> labels) {
    return new Pod(ns, name, labels, Optional.empty(), Optional.of(ip), Set.of());
  }

  /** Every NetworkPolicy document of the corpus, by file (one per file there). */
  private static Map<String, NetworkPolicy> corpusPolicies() throws IOException {
    assertThat(CORPUS).as("the Cilium example corpus").isDirectory();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(CORPUS)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> p.toString().matches(".*\\.(ya?ml|json)"))
              .sorted()
              .toList();
    }
    Map<String, NetworkPolicy> out = new TreeMap<>();
    for (Path file : files) {
      String text = Files.readString(file);
      if (!text.matches("(?s).*\"?kind\"?: *\"?NetworkPolicy\\b.*")) {
        continue;
      }
      Iterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(render(text));
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && "NetworkPolicy".equals(doc.path("kind").asText())) {
          String key = CORPUS.relativize(file).toString();
          assertThat(out).as("one NetworkPolicy per file").doesNotContainKey(key);
          out.put(key, YAML.treeToValue(doc, NetworkPolicy.class));
        }
      }
    }
    return out;
  }

  private static final Pattern RANGE =
      Pattern.compile(
          "\\s*\\{\\{-\\s*range\\s+\\.(\\w+)\\s*}}(.*?)\\s*\\{\\{-\\s*end\\s*}}", Pattern.DOTALL);
  private static final Pattern VALUE =
      Pattern.compile("\\{\\{-?\\s*\\.(\\w+)\\s*(\\|\\s*ipToCIDR\\s*)?-?}}");

  /**
   * Renders the few Go template forms the connectivity manifests use: a {@code range} over one
   * sample value, {@code {{.Name}}} and {@code {{ .Name | ipToCIDR }}}.
   */
  static String render(String text) {
    Matcher range = RANGE.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (range.find()) {
      String body = range.group(2).stripTrailing().replace("{{.}}", value(range.group(1)));
      range.appendReplacement(sb, Matcher.quoteReplacement(body));
    }
    range.appendTail(sb);
    Matcher v = VALUE.matcher(sb.toString());
    StringBuilder out = new StringBuilder();
    while (v.find()) {
      String value = value(v.group(1));
      if (v.group(2) != null) {
        value += value.contains(":") ? "/128" : "/32";
      }
      v.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    v.appendTail(out);
    assertThat(out.toString()).as("rendered template").doesNotContain("{{");
    return out.toString();
  }

  private static String value(String name) {
    String v = TEMPLATE_VALUES.get(name);
    assertThat(v).as("sample value for template field " + name).isNotNull();
    return v;
  }
}
