package io.palisade.gitops;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies push notifications without I/O: GitHub's {@code X-Hub-Signature-256}, GitLab's {@code
 * X-Gitlab-Token}, and a generic HMAC {@code X-Signature: sha256=<hex>} (Flux's generic-hmac), all
 * compared in constant time; and derives the receiver's path from its token as Flux does.
 */
public final class WebhookVerifier {

  /** The providers a receiver accepts. */
  public enum Provider {
    GITHUB("X-Hub-Signature-256"),
    GITLAB("X-Gitlab-Token"),
    GENERIC_HMAC("X-Signature");

    private final String header;

    Provider(String header) {
      this.header = header;
    }

    /** The request header that carries the signature or token. */
    public String header() {
      return header;
    }
  }

  /** The answer for one request; a refusal says why, for the log and the 401. */
  public record Verdict(boolean accepted, String reason) {
    static Verdict accept() {
      return new Verdict(true, "");
    }

    static Verdict refuse(String reason) {
      return new Verdict(false, reason);
    }
  }

  private final byte[] token;

  public WebhookVerifier(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("a webhook token must not be empty");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** Flux's receiver path: {@code /hook/<hex sha256(token + name + namespace)>}. */
  public static String webhookPath(String token, String name, String namespace) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest((token + name + namespace).getBytes(StandardCharsets.UTF_8));
      return "/hook/" + HexFormat.of().formatHex(d);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Verifies one request body with the value of {@code provider.header()} (absent if missing). */
  public Verdict verify(Provider provider, Optional<String> headerValue, byte[] body) {
    if (headerValue.isEmpty() || headerValue.get().isBlank()) {
      return Verdict.refuse("missing header " + provider.header());
    }
    String value = headerValue.get().strip();
    return switch (provider) {
      case GITLAB ->
          MessageDigest.isEqual(token, value.getBytes(StandardCharsets.UTF_8))
              ? Verdict.accept()
              : Verdict.refuse("X-Gitlab-Token does not match");
      case GITHUB -> hmac(value, body, "sha256", provider.header());
      case GENERIC_HMAC -> {
        int eq = value.indexOf('=');
        yield eq < 0
            ? Verdict.refuse("X-Signature is not <algorithm>=<hex>")
            : hmac(value, body, value.substring(0, eq).toLowerCase(Locale.ROOT), provider.header());
      }
    };
  }

  private Verdict hmac(String value, byte[] body, String algorithm, String header) {
    String jdk =
        switch (algorithm) {
          case "sha256" -> "HmacSHA256";
          case "sha512" -> "HmacSHA512";
          default -> null;
        };
    String prefix = algorithm + "=";
    if (jdk == null || !value.toLowerCase(Locale.ROOT).startsWith(prefix)) {
      return Verdict.refuse(
          header
              + " must be sha256=<hex>"
              + (header.equals("X-Signature") ? " or sha512=<hex>" : ""));
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(value.substring(prefix.length()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return Verdict.refuse(header + " is not hex");
    }
    try {
      Mac mac = Mac.getInstance(jdk);
      mac.init(new SecretKeySpec(token, jdk));
      return MessageDigest.isEqual(mac.doFinal(body), given)
          ? Verdict.accept()
          : Verdict.refuse(header + " does not match the body");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
