package io.palisade.gitops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which signature must hold and whose keys are trusted: like Flux's {@code spec.verify}, a Secret
 * whose {@code *.asc} entries are armored OpenPGP public keys and whose {@code *.sshpub} entries
 * are SSH public keys in authorized_keys format.
 */
public record Verification(Mode mode, Map<String, String> keys) {

  /** What is verified: the commit the ref resolves to, or the annotated tag itself. */
  public enum Mode {
    HEAD,
    TAG
  }

  public Verification {
    keys = Map.copyOf(keys);
  }

  /** Errors in the mode and the keys, each naming {@code spec.verify.*}. */
  public List<SpecError> validate(GitRef ref) {
    List<SpecError> errors = new ArrayList<>();
    if (mode == null) {
      errors.add(new SpecError("spec.verify.mode", "must be HEAD or Tag"));
    } else if (mode == Mode.TAG && !(ref instanceof GitRef.Tag || ref instanceof GitRef.SemVer)) {
      errors.add(new SpecError("spec.verify.mode", "Tag needs spec.ref.tag or spec.ref.semver"));
    }
    errors.addAll(validateKeys());
    return errors;
  }

  /** Errors in the trusted keys, each naming {@code spec.verify.secretRef.<key>}. */
  public List<SpecError> validateKeys() {
    List<SpecError> errors = new ArrayList<>();
    if (keys.isEmpty()) {
      errors.add(new SpecError("spec.verify.secretRef", "holds no *.asc or *.sshpub key"));
    }
    for (var e : new TreeMap<>(keys).entrySet()) {
      String field = "spec.verify.secretRef." + e.getKey();
      try {
        if (e.getKey().endsWith(".asc")) {
          OpenPgpKeys.parse(e.getValue());
        } else if (e.getKey().endsWith(".sshpub")) {
          SshPublicKeys.parseAuthorizedKeys(e.getValue());
        } else {
          errors.add(new SpecError(field, "is neither *.asc (OpenPGP) nor *.sshpub (SSH)"));
        }
      } catch (IllegalArgumentException ex) {
        errors.add(new SpecError(field, ex.getMessage()));
      }
    }
    return errors;
  }
}
