package io.palisade.operator.source;

import static io.palisade.operator.source.SourceCluster.NS;
import static io.palisade.operator.source.SourceCluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.palisade.crds.palisade.SourceWebhook;
import io.palisade.gitops.Policies;
import io.palisade.gitops.WebhookVerifier;
import io.palisade.node.harness.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A PolicySource's webhook over real HTTP: its path in status, a bad signature refused with 401,
 * and a GitHub-signed call after a push syncing at once. Prints push-to-applied latency over
 * several pushes: from before {@code git push} to the new policy readable through the API.
 */
class PolicySourceWebhookTest {

  static final String TOKEN = "s3cret-webhook-token";

  @RegisterExtension final SourceCluster c = new SourceCluster();
  final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> post(String path, byte[] body, String signature) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(c.httpBase() + path))
            .header("X-GitHub-Event", "push")
            .header("X-Hub-Signature-256", signature)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A source of p/ with a GitHub webhook, its first revision applied; returns the hook path. */
  private String sourceWithWebhook(int port) throws Exception {
    c.upstream.write("p/a.yaml", Policies.cnp(NS, "a", port)).commit("first");
    c.upstream.push();
    c.secret("hook", Map.of("token", TOKEN));
    c.create(
        "src",
        SourceCluster.spec(c.url(), "p")
            .withInterval("1h")
            .withWebhook(new SourceWebhook("github", SourceCluster.ref("hook"))));
    return c.awaitStatus("src", x -> ready(x, "True", "Applied")).webhookPath();
  }

  private static String sign(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void aGitHubSignedCallAfterAPushSyncsAtOnceAndABadSignatureGets401() throws Exception {
    String path = sourceWithWebhook(1000);
    assertThat(path).isEqualTo(WebhookVerifier.webhookPath(TOKEN, "src", NS));

    byte[] ping = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    c.upstream.write("p/a.yaml", Policies.cnp(NS, "a", 999)).commit("unannounced");
    c.upstream.push();
    assertThat(post(path, ping, "sha256=" + "00".repeat(32)).statusCode()).isEqualTo(401);
    assertThat(post("/hook/" + "0".repeat(64), ping, sign(ping)).statusCode()).isEqualTo(404);
    Thread.sleep(500);
    assertThat(c.port("a")).as("a refused call syncs nothing").contains("1000");

    List<Long> millis = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      String port = Integer.toString(1000 + i);
      c.upstream.write("p/a.yaml", Policies.cnp(NS, "a", 1000 + i)).commit("push " + i);
      long start = System.nanoTime();
      c.upstream.push();
      byte[] body =
          ("{\"ref\":\"refs/heads/main\",\"after\":\"" + i + "\"}")
              .getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> r = post(path, body, sign(body));
      assertThat(r.statusCode()).isEqualTo(202);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> c.port("a").filter(port::equals).isPresent());
      millis.add((System.nanoTime() - start) / 1_000_000);
      Thread.sleep(1100); // the bucket refills one call a second; stay within it
    }
    List<Long> sorted = millis.stream().sorted().toList();
    System.out.printf(
        "push -> webhook -> policy applied in the API over %d pushes: min %d ms, median %d ms,"
            + " max %d ms %s%n",
        sorted.size(), sorted.getFirst(), sorted.get(sorted.size() / 2), sorted.getLast(), millis);

    PrometheusText metrics = PrometheusText.parse(c.registry.scrape());
    assertThat(
            metrics.sum(
                SourceMetrics.WEBHOOK_TO_APPLIED + "_count",
                Map.of("namespace", "prod", "name", "src")))
        .isEqualTo(7);
    assertThat(metrics.sum(SourceMetrics.WEBHOOK_CALLS, Map.of("code", "401"))).isEqualTo(1);
    assertThat(metrics.sum(SourceMetrics.WEBHOOK_CALLS, Map.of("code", "202"))).isEqualTo(7);
    assertThat(c.status("src").orElseThrow().history()).hasSize(SourceStatusBuilder.HISTORY);
  }

  @Test
  void aRemovedWebhookNoLongerAnswers() throws Exception {
    String path = sourceWithWebhook(80);
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(post(path, body, sign(body)).statusCode()).isEqualTo(202);

    c.editSpec("src", spec -> spec.withWebhook(null));
    c.awaitStatus("src", x -> x.webhookPath() == null && x.observedGeneration() == 2);
    assertThat(post(path, body, sign(body)).statusCode()).isEqualTo(404);
  }
}
