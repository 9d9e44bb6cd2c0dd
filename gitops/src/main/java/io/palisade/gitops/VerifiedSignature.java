package io.palisade.gitops;

/**
 * A signature that verified: on what (a commit or a tag), in which format, and by which key
 * (OpenPGP: the 16-hex key id and the fingerprint; SSH: the {@code SHA256:} fingerprint).
 */
public record VerifiedSignature(
    String object, Format format, String keyId, String fingerprint, String signer) {

  /** The signature formats Palisade verifies. */
  public enum Format {
    OPENPGP,
    SSH
  }

  /** e.g. {@code commit 1f2e… signed by OpenPGP key 3AA5C34371567BD2 (Alice <a@x>)}. */
  public String describe() {
    String by = format == Format.OPENPGP ? "OpenPGP key " + keyId : "SSH key " + fingerprint;
    return object + " signed by " + by + (signer.isEmpty() ? "" : " (" + signer + ")");
  }
}
