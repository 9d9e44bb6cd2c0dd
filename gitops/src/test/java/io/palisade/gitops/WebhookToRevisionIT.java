package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push, then a GitHub-style webhook call to a receiver on loopback that syncs at once: measures
 * push-to-validated (fetch, SSH signature check, read and validation of the revision).
 */
class WebhookToRevisionIT {

  static final String TOKEN = "webhook-token";

  @TempDir Path dir;
  Upstream upstream;
  HttpGitServer git;
  RepositoryCache cache;
  HttpServer hooks;
  final BlockingQueue<SourceSync.Outcome> synced = new ArrayBlockingQueue<>(16);

  @BeforeEach
  void setUp() throws Exception {
    upstream = new Upstream(dir);
    git = HttpGitServer.open(upstream.root);
    cache = new RepositoryCache(dir.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    if (hooks != null) hooks.stop(0);
    cache.close();
    git.close();
  }

  @Test
  void aSignedPushIsValidatedSoonAfterTheWebhookAndBadCallsAreRefused() throws Exception {
    Path signer = SshKeys.generate(dir, "signer", "ed25519");
    upstream.signWithSsh(signer).write("p/a.yaml", Policies.cnp("prod", "a", 80)).commit("a");
    upstream.push();
    GitSource source =
        GitSource.of(git.url("policies.git"), GitRef.branch("main"))
            .withPath("p")
            .withVerify(
                new Verification(
                    Verification.Mode.HEAD, Map.of("signer.sshpub", SshKeys.publicKey(signer))));
    SourceSync sync = new SourceSync(cache);
    assertThat(sync.sync(source)).isInstanceOf(SourceSync.Outcome.Fetched.class);
    WebhookReceiver receiver =
        new WebhookReceiver(
            TOKEN, "policies", "prod", WebhookVerifier.Provider.GITHUB, new TokenBucket(10, 1));
    URI hook = startReceiver(receiver, () -> synced.add(sync.sync(source)));

    HttpClient http = HttpClient.newHttpClient();
    byte[] body = "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(post(http, hook, body, "sha256=" + "00".repeat(32)).statusCode()).isEqualTo(401);
    assertThat(post(http, hook.resolve("/hook/0"), body, sign(body)).statusCode()).isEqualTo(404);

    double best = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      String sha =
          upstream.write("p/b" + i + ".yaml", Policies.cnp("prod", "b" + i, 81)).commit("b" + i);
      upstream.push();
      long pushed = System.nanoTime();
      assertThat(post(http, hook, body, sign(body)).statusCode()).isEqualTo(202);
      SourceSync.Outcome outcome = synced.poll(30, TimeUnit.SECONDS);
      double ms = (System.nanoTime() - pushed) / 1e6;
      assertThat(outcome)
          .isInstanceOfSatisfying(
              SourceSync.Outcome.Fetched.class,
              f -> {
                assertThat(f.content().revision()).isEqualTo("main@sha1:" + sha);
                assertThat(f.signature()).isPresent();
              });
      best = Math.min(best, ms);
      System.out.printf(
          "push -> webhook -> fetched, SSH-verified and validated revision: %.1f ms%n", ms);
    }
    System.out.printf("push -> validated revision via webhook, best of 5: %.1f ms%n", best);
  }

  private URI startReceiver(WebhookReceiver receiver, Runnable onSync) throws Exception {
    hooks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    hooks.createContext(
        "/",
        ex -> {
          try (ex) {
            byte[] body = ex.getRequestBody().readNBytes(WebhookReceiver.MAX_BODY_BYTES + 1);
            WebhookReceiver.Answer a =
                receiver.receive(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    h -> Optional.ofNullable(ex.getRequestHeaders().getFirst(h)),
                    body);
            ex.sendResponseHeaders(a.status(), -1);
            if (a.sync()) Thread.ofVirtual().start(onSync);
          }
        });
    hooks.start();
    return URI.create("http://127.0.0.1:" + hooks.getAddress().getPort() + receiver.path());
  }

  private static HttpResponse<Void> post(HttpClient http, URI uri, byte[] body, String signature)
      throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .header("X-Hub-Signature-256", signature)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.discarding());
  }

  private static String sign(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
