package io.palisade.gitops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/** Armored OpenPGP public keys and detached signatures, verified with BouncyCastle. */
final class OpenPgpKeys {

  static final String ARMOR_BEGIN = "-----BEGIN PGP SIGNATURE-----";

  private OpenPgpKeys() {}

  /** The key that made a signature, once it verified. */
  record Signer(String keyId, String fingerprint, String userId) {}

  /**
   * Every public key ring in an armored (or binary) text.
   *
   * @throws IllegalArgumentException when it holds no OpenPGP public key
   */
  static List<PGPPublicKeyRing> parse(String armored) {
    try (InputStream in = PGPUtil.getDecoderStream(stream(armored))) {
      PGPPublicKeyRingCollection rings =
          new PGPPublicKeyRingCollection(in, new BcKeyFingerprintCalculator());
      List<PGPPublicKeyRing> out = new ArrayList<>();
      rings.getKeyRings().forEachRemaining(out::add);
      if (out.isEmpty()) {
        throw new IllegalArgumentException("holds no OpenPGP public key");
      }
      return out;
    } catch (IOException | PGPException | RuntimeException e) {
      throw new IllegalArgumentException("is not an armored OpenPGP public key: " + e.getMessage());
    }
  }

  /**
   * Verifies an armored detached signature over {@code message} by one of the trusted keys.
   *
   * @throws VerificationException with the reason when it does not verify
   */
  static Signer verify(String armored, byte[] message, List<PGPPublicKeyRing> trusted)
      throws VerificationException {
    PGPSignature sig = signature(armored);
    long keyId = issuer(sig);
    String id = keyIdHex(keyId);
    Optional<PGPPublicKey> key = find(trusted, keyId);
    if (key.isEmpty()) {
      throw new VerificationException("signed by OpenPGP key " + id + ", which is not trusted");
    }
    PGPPublicKey k = key.get();
    if (k.hasRevocation()) {
      throw new VerificationException("OpenPGP key " + id + " is revoked");
    }
    long valid = k.getValidSeconds();
    if (valid > 0
        && sig.getCreationTime().getTime() > k.getCreationTime().getTime() + valid * 1000) {
      throw new VerificationException("OpenPGP key " + id + " had expired when it signed");
    }
    try {
      sig.init(new BcPGPContentVerifierBuilderProvider(), k);
      sig.update(message);
      if (!sig.verify()) {
        throw new VerificationException(
            "OpenPGP signature by " + id + " does not match the signed object");
      }
    } catch (PGPException e) {
      throw new VerificationException(
          "OpenPGP signature by " + id + " cannot be checked: " + e.getMessage());
    }
    String fingerprint = HexFormat.of().withUpperCase().formatHex(k.getFingerprint());
    return new Signer(id, fingerprint, primaryUserId(trusted, keyId));
  }

  static String keyIdHex(long keyId) {
    return String.format(Locale.ROOT, "%016X", keyId);
  }

  private static PGPSignature signature(String armored) throws VerificationException {
    try (InputStream in = PGPUtil.getDecoderStream(stream(armored))) {
      Object o = new JcaPGPObjectFactory(in).nextObject();
      if (o instanceof PGPSignatureList list && !list.isEmpty()) {
        return list.get(0);
      }
      throw new VerificationException("OpenPGP signature holds no signature packet");
    } catch (IOException | RuntimeException e) {
      throw new VerificationException("OpenPGP signature is malformed: " + e.getMessage());
    }
  }

  /** The issuer key id, from the issuer subpacket or the low 64 bits of the issuer fingerprint. */
  private static long issuer(PGPSignature sig) {
    if (sig.getKeyID() != 0) {
      return sig.getKeyID();
    }
    IssuerFingerprint fp =
        sig.getHashedSubPackets() == null ? null : sig.getHashedSubPackets().getIssuerFingerprint();
    if (fp == null || fp.getFingerprint().length < 8) {
      return 0;
    }
    byte[] f = fp.getFingerprint();
    int from = fp.getKeyVersion() == 4 ? f.length - 8 : 0; // v4: low 64 bits; v6: high
    return java.nio.ByteBuffer.wrap(f, from, 8).getLong();
  }

  private static Optional<PGPPublicKey> find(List<PGPPublicKeyRing> rings, long keyId) {
    return rings.stream().map(r -> r.getPublicKey(keyId)).filter(k -> k != null).findFirst();
  }

  private static String primaryUserId(List<PGPPublicKeyRing> rings, long keyId) {
    for (PGPPublicKeyRing ring : rings) {
      if (ring.getPublicKey(keyId) != null) {
        Iterator<String> ids = ring.getPublicKey().getUserIDs();
        return ids.hasNext() ? ids.next() : "";
      }
    }
    return "";
  }

  private static InputStream stream(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }
}
