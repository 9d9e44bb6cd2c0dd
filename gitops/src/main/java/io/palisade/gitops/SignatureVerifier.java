package io.palisade.gitops;

import io.palisade.gitops.SshPublicKeys.SshPublicKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;

/**
 * Checks that the commit a source resolved to (mode HEAD), or its annotated tag (mode Tag), carries
 * a valid OpenPGP or SSH signature by one of the source's trusted keys. Unsigned, untrusted and
 * non-matching signatures are refused with a reason. JGit 7.8 does verify both formats, but it
 * trusts OpenPGP keys from a GnuPG keyring and SSH keys from git's allowed-signers file or one
 * process-wide {@code SigningKeyDatabase}; trusted keys per source, from a Secret, fit neither, so
 * the checks here read the keys directly (BouncyCastle for OpenPGP, the JDK for SSHSIG).
 */
public final class SignatureVerifier {

  private final List<PGPPublicKeyRing> openPgp;
  private final List<SshPublicKey> ssh;
  private final Verification.Mode mode;

  /**
   * A verifier trusting the keys of {@code verification}.
   *
   * @throws InvalidSourceException when a key cannot be parsed
   */
  public SignatureVerifier(Verification verification) {
    List<SpecError> errors = verification.validateKeys();
    if (!errors.isEmpty()) {
      throw new InvalidSourceException(errors);
    }
    List<PGPPublicKeyRing> pgp = new ArrayList<>();
    List<SshPublicKey> sshKeys = new ArrayList<>();
    for (Map.Entry<String, String> e : verification.keys().entrySet()) {
      if (e.getKey().endsWith(".asc")) {
        pgp.addAll(OpenPgpKeys.parse(e.getValue()));
      } else {
        sshKeys.addAll(SshPublicKeys.parseAuthorizedKeys(e.getValue()));
      }
    }
    this.openPgp = List.copyOf(pgp);
    this.ssh = List.copyOf(sshKeys);
    this.mode = verification.mode();
  }

  /**
   * Verifies what the mode names in {@code resolved}.
   *
   * @throws VerificationException when it is unsigned, signed by an untrusted key, or the signature
   *     does not match
   * @throws IOException when the object cannot be read from the repository
   */
  public VerifiedSignature verify(Repository repo, Resolved resolved)
      throws VerificationException, IOException {
    if (mode == Verification.Mode.TAG) {
      ObjectId tag =
          resolved
              .tag()
              .orElseThrow(
                  () ->
                      new VerificationException(
                          "tag "
                              + resolved.name()
                              + " is a lightweight tag, which cannot be signed"));
      String what = "tag " + resolved.name();
      Optional<SignedPayload> signed = SignedPayload.ofTag(read(repo, tag, Constants.OBJ_TAG));
      return check(
          what, signed.orElseThrow(() -> new VerificationException(what + " is not signed")));
    }
    String what = "commit " + resolved.sha();
    Optional<SignedPayload> signed =
        SignedPayload.ofCommit(read(repo, resolved.commit(), Constants.OBJ_COMMIT));
    return check(
        what, signed.orElseThrow(() -> new VerificationException(what + " is not signed")));
  }

  private VerifiedSignature check(String what, SignedPayload signed) throws VerificationException {
    String sig = signed.signature().strip();
    try {
      if (sig.startsWith(OpenPgpKeys.ARMOR_BEGIN)) {
        OpenPgpKeys.Signer s = OpenPgpKeys.verify(sig, signed.payload(), openPgp);
        return new VerifiedSignature(
            what, VerifiedSignature.Format.OPENPGP, s.keyId(), s.fingerprint(), s.userId());
      }
      if (sig.startsWith(SshSignatures.ARMOR_BEGIN)) {
        SshPublicKey k = SshSignatures.verify(sig, signed.payload(), ssh).key();
        return new VerifiedSignature(
            what, VerifiedSignature.Format.SSH, k.fingerprint(), k.fingerprint(), k.comment());
      }
    } catch (VerificationException e) {
      throw new VerificationException(what + ": " + e.getMessage());
    }
    throw new VerificationException(
        what + " has a signature that is neither OpenPGP nor SSH (x509 is not supported)");
  }

  private static byte[] read(Repository repo, ObjectId id, int type) throws IOException {
    ObjectLoader loader = repo.open(id, type);
    return loader.getCachedBytes(Integer.MAX_VALUE);
  }
}
