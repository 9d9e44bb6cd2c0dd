package io.palisade.cli.standalone;

import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The {@code X-Hub-Signature-256} value GitHub sends: HMAC-SHA256 of the body with the token. */
final class GitHubSignature {

  static final String HEADER = "X-Hub-Signature-256";

  private GitHubSignature() {}

  static String of(String token, byte[] body) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(token.getBytes(), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }
}
