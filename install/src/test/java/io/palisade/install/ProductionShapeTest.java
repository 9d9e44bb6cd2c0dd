package io.palisade.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the production overlay promises a platform engineer, object by object. */
class ProductionShapeTest {

  static List<JsonNode> objects;

  @BeforeAll
  static void render() {
    objects = Kustomize.render(Kustomize.TREE.resolve("overlays/production"));
  }

  private static JsonNode find(String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  @Test
  void theOperatorRunsTwoNonRootReplicasWithProbesAndAGitCache() {
    JsonNode d = find("Deployment", "palisade-operator");
    JsonNode pod = d.path("spec").path("template").path("spec");
    JsonNode c = pod.path("containers").get(0);

    assertThat(d.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(texts(c.path("securityContext").path("capabilities").path("drop")))
        .containsExactly("ALL");
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/q/health/live");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
        .isEqualTo("/q/health/ready");
    assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("1Gi");
    assertThat(c.path("volumeMounts").findValuesAsText("mountPath"))
        .contains("/var/cache/palisade/git", "/etc/palisade/webhook-tls");
    assertThat(c.path("env").findValuesAsText("name"))
        .contains("QUARKUS_HTTP_SSL_CERTIFICATE_FILES")
        .as("node-state certificates name their node: the operator issues them, not cert-manager")
        .doesNotContain("PALISADE_NODE_STATE_TLS_CERT");

    JsonNode lease = find("Role", "palisade-operator-leader-election");
    assertThat(lease.path("metadata").path("namespace").asText()).isEqualTo("palisade-system");
    assertThat(texts(lease.path("rules").get(1).path("resourceNames")))
        .containsExactly("palisade-operator");
  }

  @Test
  void theNodeDaemonHasHostNetworkingTheBpfMountsAndOnlyTwoCapabilities() {
    JsonNode pod = find("DaemonSet", "palisade-node").path("spec").path("template").path("spec");
    JsonNode c = pod.path("containers").get(0);

    assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
    assertThat(pod.path("tolerations").get(0).path("operator").asText()).isEqualTo("Exists");
    assertThat(texts(c.path("command")))
        .startsWith("palisade-node", "node-daemon", "--node", "$(NODE_NAME)", "--operator")
        .contains("--tls-auto", "/var/lib/palisade/tls")
        .containsSequence("--metrics-address", "$(HOST_IP)")
        .doesNotContain("--insecure");
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(
            find("ServiceMonitor", "palisade-node")
                .path("spec")
                .path("endpoints")
                .get(0)
                .path("port")
                .asText())
        .isEqualTo("metrics");
    assertThat(texts(c.path("securityContext").path("capabilities").path("add")))
        .containsExactly("BPF", "NET_ADMIN");
    assertThat(c.path("securityContext").path("privileged").asBoolean(false)).isFalse();
    assertThat(c.path("volumeMounts").findValuesAsText("mountPath"))
        .contains("/sys/fs/bpf", "/run/palisade");
    assertThat(texts(c.path("lifecycle").path("preStop").path("exec").path("command")))
        .anyMatch(s -> s.contains("palisade-node uninstall --dry-run"));
    JsonNode init = pod.path("initContainers").get(0);
    assertThat(init.path("volumeMounts").get(0).path("mountPropagation").asText())
        .isEqualTo("Bidirectional");
  }

  @Test
  void servicesExposeNodeStateXdsWebhookAndMetrics() {
    assertThat(
            find("Service", "palisade-node-state")
                .path("spec")
                .path("ports")
                .get(0)
                .path("port")
                .asInt())
        .isEqualTo(9870);
    assertThat(
            find("Service", "palisade-xds").path("spec").path("ports").get(0).path("port").asInt())
        .isEqualTo(9871);
    assertThat(
            find("Service", "palisade-webhook")
                .path("spec")
                .path("ports")
                .get(0)
                .path("targetPort")
                .asInt())
        .isEqualTo(8443);
    assertThat(
            find("Service", "palisade-operator")
                .path("spec")
                .path("ports")
                .get(0)
                .path("port")
                .asInt())
        .isEqualTo(8080);
  }

  @Test
  void theWebhookFailsClosedForPoliciesAndSkipsTheSystemNamespaces() {
    JsonNode v = find("ValidatingWebhookConfiguration", "palisade-policies");
    JsonNode policies = v.path("webhooks").get(0);

    assertThat(
            v.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText())
        .isEqualTo("palisade-system/palisade-webhook");
    assertThat(policies.path("failurePolicy").asText()).isEqualTo("Fail");
    assertThat(policies.path("sideEffects").asText()).isEqualTo("None");
    assertThat(policies.path("timeoutSeconds").asInt()).isEqualTo(5);
    assertThat(
            texts(
                policies.path("namespaceSelector").path("matchExpressions").get(0).path("values")))
        .containsExactly("kube-system", "palisade-system");
    assertThat(v.path("webhooks").get(1).path("failurePolicy").asText()).isEqualTo("Ignore");
  }

  @Test
  void nodeCertificatesNeedOnlyTheirRequestAndTheCaConfigMap() {
    JsonNode node = find("ClusterRole", "palisade-node");
    assertThat(node.path("rules")).hasSize(1);
    assertThat(texts(node.path("rules").get(0).path("resources")))
        .containsExactly("certificatesigningrequests");
    assertThat(texts(node.path("rules").get(0).path("verbs"))).containsExactly("create", "get");
    JsonNode ca = find("Role", "palisade-node");
    assertThat(texts(ca.path("rules").get(0).path("resourceNames")))
        .containsExactly("palisade-node-state-ca");
    assertThat(texts(ca.path("rules").get(0).path("verbs"))).containsExactly("get");

    JsonNode signer =
        StreamSupport.stream(
                find("ClusterRole", "palisade-operator").path("rules").spliterator(), false)
            .filter(r -> texts(r.path("resources")).contains("signers"))
            .findFirst()
            .orElseThrow();
    assertThat(texts(signer.path("resourceNames"))).containsExactly("palisade.io/node-state");
    assertThat(
            texts(find("Role", "palisade-operator-ca").path("rules").get(1).path("resourceNames")))
        .containsExactly("palisade-ca");
  }
}
