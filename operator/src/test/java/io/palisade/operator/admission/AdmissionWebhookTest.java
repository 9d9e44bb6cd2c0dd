package io.palisade.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.palisade.operator.MockCluster;
import io.palisade.policy.load.PolicyLoader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged operator answering AdmissionReviews over real HTTPS, with a keytool-made
 * certificate, as the API server would call it.
 */
@QuarkusTest
@QuarkusTestResource(value = WebhookCertificates.class, restrictToAnnotatedClass = true)
@WithKubernetesTestServer(setup = AdmissionWebhookTest.Crds.class)
class AdmissionWebhookTest {

  /** The CRDs exist before the operator starts, as in a cluster. */
  public static final class Crds implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      MockCluster.installCrds(server.getClient());
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static final String VALID_CNP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: rule1
        namespace: default
      spec:
        endpointSelector:
          matchLabels:
            org: empire
        ingress:
          - fromEndpoints:
              - matchLabels:
                  org: empire
            toPorts:
              - ports:
                  - port: "80"
                    protocol: TCP
      """;

  static final String INVALID_CNP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: broken
        namespace: prod
      spec:
        endpointSelector:
          matchLabels:
            app: web
        egress:
          - toCIDRSet:
              - cidr: 10.0.0.0/33
          - toEndpoints:
              - matchExpressions:
                  - key: app
                    operator: Near
            toPorts:
              - ports:
                  - port: "80"
                    protocol: TCPX
      """;

  @TestHTTPResource(value = AdmissionRoutes.PATH, tls = true)
  URL https;

  @TestHTTPResource(value = AdmissionRoutes.PATH)
  URL http;

  @ConfigProperty(name = "palisade.test.webhook-ca", defaultValue = "unset")
  String caFile;

  HttpClient client;

  @BeforeEach
  void trustTheTestCa() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(Path.of(caFile))) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(tls).build();
  }

  /** An AdmissionReview as the API server sends it, with the server's own metadata fields. */
  static String review(
      String uid, String operation, String group, String kind, String yaml, String oldYaml)
      throws Exception {
    ObjectNode r = JSON.createObjectNode();
    r.put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode req = r.putObject("request");
    req.put("uid", uid).put("operation", operation);
    req.putObject("kind").put("group", group).put("version", "v2").put("kind", kind);
    if (yaml != null) {
      ObjectNode object = (ObjectNode) YAML.readTree(yaml);
      ObjectNode meta = (ObjectNode) object.path("metadata");
      meta.put("uid", UUID.randomUUID().toString())
          .put("resourceVersion", "42")
          .put("generation", 1);
      meta.put("creationTimestamp", "2026-12-03T10:00:00Z");
      req.set("object", object);
    }
    if (oldYaml != null) {
      req.set("oldObject", YAML.readTree(oldYaml));
    }
    return JSON.writeValueAsString(r);
  }

  HttpResponse<String> post(URL url, String body) throws Exception {
    // The certificate names 127.0.0.1, as the API server's names the Service.
    return client.send(
        HttpRequest.newBuilder(URI.create(url.toString().replace("//localhost:", "//127.0.0.1:")))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode answer(String body) throws Exception {
    HttpResponse<String> r = post(https, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode review = JSON.readTree(r.body());
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    return review.path("response");
  }

  @Test
  void aValidPolicyIsAllowedAndItsUidEchoed() throws Exception {
    JsonNode r =
        answer(review("uid-valid", "CREATE", "cilium.io", "CiliumNetworkPolicy", VALID_CNP, null));

    assertThat(r.path("uid").asText()).isEqualTo("uid-valid");
    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.has("status")).isFalse();
  }

  @Test
  void anInvalidPolicyIsDeniedWithEveryErrorAsPalisadeValidatePrintsIt() throws Exception {
    JsonNode r =
        answer(
            review("uid-invalid", "CREATE", "cilium.io", "CiliumNetworkPolicy", INVALID_CNP, null));

    List<String> validate =
        new PolicyLoader()
            .load("broken.yaml", INVALID_CNP).errors().stream()
                .map(e -> e.format().substring("broken.yaml: ".length()))
                .toList();
    assertThat(validate).hasSize(3);
    assertThat(r.path("uid").asText()).isEqualTo("uid-invalid");
    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("code").asInt()).isEqualTo(422);
    assertThat(r.path("status").path("message").asText()).isEqualTo(String.join("; ", validate));
    assertThat(r.path("status").path("message").asText())
        .contains("CiliumNetworkPolicy prod/broken: spec.egress[0].toCIDRSet[0].cidr:")
        .contains("spec.egress[1].toPorts[0].ports[0].protocol:")
        .contains("spec.egress[1].toEndpoints[0].matchExpressions[0].operator:");
    assertThat(r.path("status").path("details").path("causes").findValuesAsText("field"))
        .containsExactly(
            "spec.egress[0].toCIDRSet[0].cidr",
            "spec.egress[1].toEndpoints[0].matchExpressions[0].operator",
            "spec.egress[1].toPorts[0].ports[0].protocol");
  }

  @Test
  void aPolicySourceWithABadSpecIsDeniedButAMissingSecretIsLeftToTheReconciler() throws Exception {
    String bad =
        """
        apiVersion: palisade.io/v1alpha1
        kind: PolicySource
        metadata:
          name: bad
          namespace: default
        spec:
          url: git@example.com:net/policies.git
          ref:
            branch: main
            tag: v1
          interval: soon
        """;
    JsonNode r = answer(review("uid-src", "CREATE", "palisade.io", "PolicySource", bad, null));

    assertThat(r.path("allowed").asBoolean()).isFalse();
    assertThat(r.path("status").path("message").asText())
        .startsWith("PolicySource default/bad: ")
        .contains("spec.ref: set exactly one of branch, tag, semver or commit; found [branch, tag]")
        .contains("spec.interval: \"soon\"")
        .contains("spec.url:");
    assertThat(r.path("status").path("details").path("causes").findValuesAsText("field"))
        .contains("spec.ref", "spec.interval", "spec.url");

    String namesASecret =
        """
        apiVersion: palisade.io/v1alpha1
        kind: PolicySource
        metadata:
          name: later
          namespace: default
        spec:
          url: ssh://git@example.com/net/policies.git
          secretRef:
            name: created-after-the-source
          verify:
            mode: HEAD
            secretRef:
              name: signers-not-yet-there
        """;
    assertThat(
            answer(review("uid-ok", "CREATE", "palisade.io", "PolicySource", namesASecret, null))
                .path("allowed")
                .asBoolean())
        .isTrue();
  }

  @Test
  void aDeleteIsAllowedWhateverTheObject() throws Exception {
    JsonNode r =
        answer(review("uid-del", "DELETE", "cilium.io", "CiliumNetworkPolicy", null, INVALID_CNP));

    assertThat(r.path("uid").asText()).isEqualTo("uid-del");
    assertThat(r.path("allowed").asBoolean()).isTrue();
  }

  @Test
  void anUpdateOfMetadataAloneIsAllowedAnUpdateOfTheSpecIsJudged() throws Exception {
    String withLabel =
        INVALID_CNP.replace("namespace: prod", "namespace: prod\n  labels:\n    team: a");
    assertThat(
            answer(
                    review(
                        "u1", "UPDATE", "cilium.io", "CiliumNetworkPolicy", withLabel, INVALID_CNP))
                .path("allowed")
                .asBoolean())
        .isTrue();
    assertThat(
            answer(
                    review(
                        "u2", "UPDATE", "cilium.io", "CiliumNetworkPolicy", INVALID_CNP, VALID_CNP))
                .path("allowed")
                .asBoolean())
        .isFalse();
  }

  @Test
  void aPolicyWithL7RulesIsAllowedWithAWarning() throws Exception {
    String l7 =
        VALID_CNP.replace(
            "              protocol: TCP\n",
            "              protocol: TCP\n"
                + "          rules:\n"
                + "            http:\n"
                + "              - method: GET\n");
    assertThat(l7).contains("method: GET");
    JsonNode r = answer(review("uid-l7", "CREATE", "cilium.io", "CiliumNetworkPolicy", l7, null));

    assertThat(r.path("allowed").asBoolean()).isTrue();
    assertThat(r.path("warnings").get(0).asText()).startsWith("its L7 rules are not enforced");
  }

  @Test
  void aMalformedReviewGetsA400SayingWhatIsWrongAndNoStackTrace() throws Exception {
    HttpResponse<String> notJson = post(https, "{\"apiVersion\": ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).startsWith("malformed AdmissionReview: the body is not JSON");

    HttpResponse<String> v1beta1 =
        post(
            https,
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{}}");
    assertThat(v1beta1.statusCode()).isEqualTo(400);
    assertThat(v1beta1.body())
        .isEqualTo(
            "malformed AdmissionReview: expected apiVersion admission.k8s.io/v1 and kind"
                + " AdmissionReview, got admission.k8s.io/v1beta1 and AdmissionReview\n");

    HttpResponse<String> noUid =
        post(
            https,
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}");
    assertThat(noUid.statusCode()).isEqualTo(400);
    assertThat(noUid.body()).isEqualTo("malformed AdmissionReview: request.uid: must be set\n");

    for (HttpResponse<String> r : List.of(notJson, v1beta1, noUid)) {
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void thePlainHttpPortRefusesReviews() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(http.toString()))
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            review(
                                "uid-plain",
                                "CREATE",
                                "cilium.io",
                                "CiliumNetworkPolicy",
                                VALID_CNP,
                                null)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("HTTPS port only");
  }
}
