package io.palisade.gitops;

import io.palisade.gitops.SshPublicKeys.SshPublicKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * OpenSSH's SSHSIG signatures ({@code ssh-keygen -Y sign}, git's {@code gpg.format=ssh}), verified
 * with the JDK: the wire format of OpenSSH's PROTOCOL.sshsig, for ed25519, RSA (SHA-2) and ECDSA.
 */
final class SshSignatures {

  static final String ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----";
  private static final String ARMOR_END = "-----END SSH SIGNATURE-----";
  private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);

  /** git signs commits and tags in this namespace. */
  static final String GIT_NAMESPACE = "git";

  private SshSignatures() {}

  /** The key that signed, once the signature verified. */
  record Signer(SshPublicKey key) {}

  /**
   * Verifies an armored SSHSIG over {@code message} by one of the trusted keys.
   *
   * @throws VerificationException with the reason when it does not verify
   */
  static Signer verify(String armored, byte[] message, List<SshPublicKey> trusted)
      throws VerificationException {
    byte[] blob = dearmor(armored);
    SshWire w = new SshWire(blob);
    try {
      if (!Arrays.equals(w.raw(MAGIC.length), MAGIC) || w.uint32() != 1) {
        throw new VerificationException("SSH signature is not SSHSIG version 1");
      }
      byte[] publicKey = w.bytes();
      String namespace = w.string();
      byte[] reserved = w.bytes();
      String hashAlgorithm = w.string();
      byte[] signature = w.bytes();
      String fingerprint = new SshPublicKey("", publicKey, "").fingerprint();
      if (!namespace.equals(GIT_NAMESPACE)) {
        throw new VerificationException(
            "SSH signature is for namespace '" + namespace + "', not git");
      }
      Optional<SshPublicKey> key = trusted.stream().filter(k -> k.sameKey(publicKey)).findFirst();
      if (key.isEmpty()) {
        throw new VerificationException(
            "signed by SSH key " + fingerprint + ", which is not trusted");
      }
      String digest =
          switch (hashAlgorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default ->
                throw new VerificationException(
                    "SSH signature hash " + hashAlgorithm + " is not sha256/sha512");
          };
      byte[] signed =
          new SshWire.Writer()
              .raw(MAGIC)
              .string(namespace)
              .string(reserved)
              .string(hashAlgorithm)
              .string(MessageDigest.getInstance(digest).digest(message))
              .toByteArray();
      if (!check(publicKey, signature, signed)) {
        throw new VerificationException(
            "SSH signature by " + fingerprint + " does not match the signed object");
      }
      return new Signer(key.get());
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new VerificationException("SSH signature is malformed: " + e.getMessage());
    }
  }

  private static boolean check(byte[] publicKey, byte[] signature, byte[] signed)
      throws GeneralSecurityException, VerificationException {
    SshWire sig = new SshWire(signature);
    String format = sig.string();
    byte[] value = sig.bytes();
    String keyType = new SshWire(publicKey).string();
    String jdk =
        switch (format) {
          case "ssh-ed25519" -> "Ed25519";
          case "rsa-sha2-256" -> "SHA256withRSA";
          case "rsa-sha2-512" -> "SHA512withRSA";
          case "ecdsa-sha2-nistp256" -> "SHA256withECDSAinP1363Format";
          case "ecdsa-sha2-nistp384" -> "SHA384withECDSAinP1363Format";
          case "ecdsa-sha2-nistp521" -> "SHA512withECDSAinP1363Format";
          default ->
              throw new VerificationException(
                  "SSH signature algorithm " + format + " is not supported");
        };
    boolean matchesKey =
        keyType.equals(format) || (keyType.equals("ssh-rsa") && format.startsWith("rsa-sha2-"));
    if (!matchesKey) {
      throw new VerificationException(
          "SSH signature algorithm " + format + " does not fit a " + keyType + " key");
    }
    if (format.startsWith("ecdsa-")) {
      value = p1363(value, SshPublicKeys.ecdsaFieldBytes(format));
    }
    PublicKey key = SshPublicKeys.toJca(publicKey);
    Signature verifier = Signature.getInstance(jdk);
    verifier.initVerify(key);
    verifier.update(signed);
    return verifier.verify(value);
  }

  /**
   * SSH's ECDSA signature (mpint r, mpint s) as the fixed-width r||s the JDK's P1363 form takes.
   */
  private static byte[] p1363(byte[] sshSignature, int n) {
    SshWire w = new SshWire(sshSignature);
    byte[] out = new byte[2 * n];
    put(w.mpint(), out, 0, n);
    put(w.mpint(), out, n, n);
    return out;
  }

  private static void put(BigInteger v, byte[] out, int at, int n) {
    byte[] b = v.toByteArray();
    int len = Math.min(b.length, n);
    System.arraycopy(b, b.length - len, out, at + n - len, len);
  }

  private static byte[] dearmor(String armored) throws VerificationException {
    String s = armored.strip();
    int begin = s.indexOf(ARMOR_BEGIN);
    int end = s.indexOf(ARMOR_END);
    if (begin < 0 || end < begin) {
      throw new VerificationException("SSH signature armor is missing");
    }
    try {
      return Base64.getMimeDecoder().decode(s.substring(begin + ARMOR_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new VerificationException("SSH signature is not base64: " + e.getMessage());
    }
  }
}
