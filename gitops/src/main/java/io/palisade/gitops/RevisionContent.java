package io.palisade.gitops;

import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.List;
import java.util.Optional;

/**
 * One revision of a source read and validated as a whole: the artifact revision {@code
 * <ref>@sha1:<sha>}, the digest of its manifests (for deduplicating history), the policies of its
 * valid documents, and every quarantined document with all its errors. Quarantined documents
 * contribute nothing, and nothing is pruned because of them.
 */
public record RevisionContent(
    String revision,
    String digest,
    PolicySet policies,
    List<ValidatedDocument> valid,
    List<Quarantined> quarantined,
    List<String> files) {

  public RevisionContent {
    valid = List.copyOf(valid);
    quarantined = List.copyOf(quarantined);
    files = List.copyOf(files);
  }

  /**
   * A document (or a whole file, when it could not be split into documents) that failed validation.
   * {@code object} is empty when the document's identity is unknown.
   */
  public record Quarantined(String file, Optional<ObjectRef> object, List<String> errors) {
    public Quarantined {
      errors = List.copyOf(errors);
    }
  }

  /** The objects the revision declares, valid or not: what pruning must leave alone. */
  public List<ObjectRef> declared() {
    return java.util.stream.Stream.concat(
            valid.stream().map(RevisionReader::ref),
            quarantined.stream().flatMap(q -> q.object().stream()))
        .distinct()
        .toList();
  }

  /** Files whose objects cannot be named because the file did not parse. */
  public List<String> unreadableFiles() {
    return quarantined.stream()
        .filter(q -> q.object().isEmpty())
        .map(Quarantined::file)
        .distinct()
        .toList();
  }
}
