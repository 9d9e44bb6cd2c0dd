package io.palisade.gitops;

import java.util.Optional;
import java.util.function.Function;

/**
 * Decides, without I/O, what one HTTP call to a source's webhook gets: the HTTP layer (Quarkus in
 * the operator, palisade-http's server in standalone mode) passes the request in and triggers a
 * sync when {@link Answer#sync()} is true. The signature is checked before the rate limit, so calls
 * without the token cannot use up the budget of genuine ones; accepted calls beyond the bucket get
 * 429.
 */
public final class WebhookReceiver {

  /** Bodies larger than this are refused before any HMAC is computed. */
  public static final int MAX_BODY_BYTES = 1 << 20;

  /** The response: status code, the reason for a refusal, and whether to sync now. */
  public record Answer(int status, String reason, boolean sync) {}

  private final String path;
  private final WebhookVerifier.Provider provider;
  private final WebhookVerifier verifier;
  private final TokenBucket bucket;

  /**
   * A receiver for the source {@code namespace/name} with its token; the path derives from both.
   */
  public WebhookReceiver(
      String token,
      String name,
      String namespace,
      WebhookVerifier.Provider provider,
      TokenBucket bucket) {
    this.path = WebhookVerifier.webhookPath(token, name, namespace);
    this.provider = provider;
    this.verifier = new WebhookVerifier(token);
    this.bucket = bucket;
  }

  /** The path to publish in the source's status, {@code /hook/<sha256>}. */
  public String path() {
    return path;
  }

  /** Answers one request; {@code header} looks a request header up by name. */
  public Answer receive(
      String method, String requestPath, Function<String, Optional<String>> header, byte[] body) {
    if (!path.equals(requestPath)) {
      return new Answer(404, "no receiver at " + requestPath, false);
    }
    if (!method.equals("POST")) {
      return new Answer(405, "only POST is accepted", false);
    }
    if (body.length > MAX_BODY_BYTES) {
      return new Answer(413, "body exceeds " + MAX_BODY_BYTES + " bytes", false);
    }
    WebhookVerifier.Verdict verdict =
        verifier.verify(provider, header.apply(provider.header()), body);
    if (!verdict.accepted()) {
      return new Answer(401, verdict.reason(), false);
    }
    if (!bucket.tryAcquire()) {
      return new Answer(429, "rate limited", false);
    }
    return new Answer(202, "", true);
  }
}
