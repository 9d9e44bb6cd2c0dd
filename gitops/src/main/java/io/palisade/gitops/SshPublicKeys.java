package io.palisade.gitops;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** SSH public keys in authorized_keys format, turned into JDK keys; ed25519, RSA and ECDSA. */
final class SshPublicKeys {

  static final Set<String> TYPES =
      Set.of(
          "ssh-ed25519",
          "ssh-rsa",
          "ecdsa-sha2-nistp256",
          "ecdsa-sha2-nistp384",
          "ecdsa-sha2-nistp521");

  /** The X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410), before its 32 bytes. */
  private static final byte[] ED25519_SPKI_PREFIX =
      HexFormat.of().parseHex("302a300506032b6570032100");

  private SshPublicKeys() {}

  /** One key: its type, its wire blob, and the comment after it. */
  record SshPublicKey(String type, byte[] blob, String comment) {
    /** OpenSSH's fingerprint, {@code SHA256:<base64 without padding>}. */
    String fingerprint() {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(blob);
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(d);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    boolean sameKey(byte[] other) {
      return MessageDigest.isEqual(blob, other);
    }
  }

  /**
   * Every key in an authorized_keys text; options before the key type are ignored.
   *
   * @throws IllegalArgumentException naming the line that is not a supported key
   */
  static List<SshPublicKey> parseAuthorizedKeys(String text) {
    List<SshPublicKey> keys = new ArrayList<>();
    int lineNo = 0;
    for (String line : text.lines().toList()) {
      lineNo++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      String[] f = l.split("\\s+");
      int at = 0;
      while (at < f.length && !TYPES.contains(f[at])) at++;
      if (at + 1 >= f.length) {
        throw new IllegalArgumentException(
            "line " + lineNo + " has no supported key type " + TYPES);
      }
      byte[] blob;
      try {
        blob = Base64.getDecoder().decode(f[at + 1]);
        String inner = new SshWire(blob).string();
        if (!inner.equals(f[at])) {
          throw new IllegalArgumentException(
              "line " + lineNo + " says " + f[at] + " but holds " + inner);
        }
        toJca(blob);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "line " + lineNo + " is not a valid key: " + e.getMessage());
      }
      String comment = String.join(" ", Arrays.copyOfRange(f, at + 2, f.length));
      keys.add(new SshPublicKey(f[at], blob, comment));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("holds no SSH public key");
    }
    return List.copyOf(keys);
  }

  /** The JDK key a wire blob encodes. */
  static PublicKey toJca(byte[] blob) {
    SshWire w = new SshWire(blob);
    String type = w.string();
    try {
      return switch (type) {
        case "ssh-ed25519" -> {
          byte[] raw = w.bytes();
          if (raw.length != 32) throw new IllegalArgumentException("ed25519 key is not 32 bytes");
          byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + 32);
          System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, 32);
          yield KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        }
        case "ssh-rsa" -> {
          BigInteger e = w.mpint();
          BigInteger n = w.mpint();
          if (n.bitLength() < 2048) throw new IllegalArgumentException("RSA key under 2048 bits");
          yield KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
        }
        case "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521" -> ecdsa(w, type);
        default -> throw new IllegalArgumentException("unsupported key type " + type);
      };
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a valid " + type + " key: " + e.getMessage());
    }
  }

  /** The byte length of one coordinate (and of r and s) on an ECDSA key type's curve. */
  static int ecdsaFieldBytes(String type) {
    return switch (type) {
      case "ecdsa-sha2-nistp256" -> 32;
      case "ecdsa-sha2-nistp384" -> 48;
      default -> 66;
    };
  }

  private static PublicKey ecdsa(SshWire w, String type) throws GeneralSecurityException {
    String curve = w.string();
    byte[] q = w.bytes();
    int n = ecdsaFieldBytes(type);
    if (!type.endsWith(curve) || q.length != 1 + 2 * n || q[0] != 4) {
      throw new IllegalArgumentException("ECDSA point is not an uncompressed point on " + curve);
    }
    String jdkCurve = "secp" + curve.substring("nistp".length()) + "r1";
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec(jdkCurve));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    ECPoint point =
        new ECPoint(
            new BigInteger(1, Arrays.copyOfRange(q, 1, 1 + n)),
            new BigInteger(1, Arrays.copyOfRange(q, 1 + n, q.length)));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
  }
}
