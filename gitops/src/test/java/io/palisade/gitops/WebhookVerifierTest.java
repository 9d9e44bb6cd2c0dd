package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.gitops.WebhookVerifier.Provider;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

  static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

  @Test
  void githubSignatureMatchesTheDocumentedExample() {
    // The example in GitHub's "Validating webhook deliveries".
    WebhookVerifier v = new WebhookVerifier("It's a Secret to Everybody");
    String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assertThat(v.verify(Provider.GITHUB, Optional.of(sig), HELLO).accepted()).isTrue();
    assertThat(
            v.verify(
                    Provider.GITHUB,
                    Optional.of(sig.toUpperCase().replace("SHA256", "sha256")),
                    HELLO)
                .accepted())
        .isTrue();
    assertThat(
            v.verify(
                Provider.GITHUB,
                Optional.of(sig),
                "Hello, World?".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(
            new WebhookVerifier.Verdict(false, "X-Hub-Signature-256 does not match the body"));
    assertThat(v.verify(Provider.GITHUB, Optional.empty(), HELLO).reason())
        .isEqualTo("missing header X-Hub-Signature-256");
    assertThat(v.verify(Provider.GITHUB, Optional.of("sha1=0123"), HELLO).accepted()).isFalse();
    assertThat(v.verify(Provider.GITHUB, Optional.of("sha256=zz"), HELLO).reason())
        .contains("not hex");
  }

  @Test
  void gitlabTokenAndGenericHmac() {
    WebhookVerifier v = new WebhookVerifier("It's a Secret to Everybody");
    assertThat(
            v.verify(Provider.GITLAB, Optional.of("It's a Secret to Everybody"), HELLO).accepted())
        .isTrue();
    assertThat(
            v.verify(Provider.GITLAB, Optional.of("It's a Secret to Everybod"), HELLO).accepted())
        .isFalse();
    String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    assertThat(v.verify(Provider.GENERIC_HMAC, Optional.of(sig), HELLO).accepted()).isTrue();
    assertThat(v.verify(Provider.GENERIC_HMAC, Optional.of("md5=00"), HELLO).accepted()).isFalse();
    assertThat(v.verify(Provider.GENERIC_HMAC, Optional.of("nonsense"), HELLO).accepted())
        .isFalse();
  }

  @Test
  void thePathIsDerivedFromTokenNameAndNamespace() {
    // sha256("tokenpoliciesflux-system"), as Flux derives a Receiver's path.
    assertThat(WebhookVerifier.webhookPath("token", "policies", "flux-system"))
        .isEqualTo("/hook/" + RepositoryCache.digest("tokenpoliciesflux-system"))
        .hasSize("/hook/".length() + 64)
        .isNotEqualTo(WebhookVerifier.webhookPath("token2", "policies", "flux-system"));
  }

  @Test
  void theTokenBucketAllowsABurstThenRefills() {
    AtomicLong now = new AtomicLong();
    TokenBucket bucket = new TokenBucket(3, 2.0, now::get);
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isTrue();
    assertThat(bucket.tryAcquire()).isFalse();
    now.addAndGet(499_000_000L);
    assertThat(bucket.tryAcquire()).isFalse();
    now.addAndGet(1_000_000L);
    assertThat(bucket.tryAcquire()).isTrue();
    now.addAndGet(60_000_000_000L);
    int burst = 0;
    while (bucket.tryAcquire()) burst++;
    assertThat(burst).isEqualTo(3);
  }

  @Test
  void theReceiverChecksPathMethodSizeSignatureThenRate() {
    AtomicLong now = new AtomicLong();
    WebhookReceiver r =
        new WebhookReceiver(
            "It's a Secret to Everybody",
            "policies",
            "prod",
            Provider.GITHUB,
            new TokenBucket(1, 0.1, now::get));
    String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    java.util.function.Function<String, Optional<String>> good =
        h -> h.equals("X-Hub-Signature-256") ? Optional.of(sig) : Optional.empty();
    assertThat(r.receive("POST", "/hook/other", good, HELLO).status()).isEqualTo(404);
    assertThat(r.receive("GET", r.path(), good, HELLO).status()).isEqualTo(405);
    assertThat(
            r.receive("POST", r.path(), good, new byte[WebhookReceiver.MAX_BODY_BYTES + 1])
                .status())
        .isEqualTo(413);
    assertThat(r.receive("POST", r.path(), h -> Optional.of("sha256=00"), HELLO))
        .isEqualTo(
            new WebhookReceiver.Answer(401, "X-Hub-Signature-256 does not match the body", false));
    assertThat(r.receive("POST", r.path(), good, HELLO))
        .isEqualTo(new WebhookReceiver.Answer(202, "", true));
    assertThat(r.receive("POST", r.path(), good, HELLO).status()).isEqualTo(429);
    now.addAndGet(10_000_000_000L);
    assertThat(r.receive("POST", r.path(), good, HELLO).sync()).isTrue();
  }
}
