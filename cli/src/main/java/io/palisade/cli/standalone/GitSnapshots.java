package io.palisade.cli.standalone;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.SourceSync;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Policies from a path of a Git repository, through the same fetch, verification and validation as
 * the operator's PolicySource. A failed poll is "no change": the last revision stays in force.
 */
public final class GitSnapshots implements SnapshotSource {

  private final SourceSync sync;
  private final GitSource source;
  private String lastRevision = "";
  private Optional<String> problem = Optional.empty();

  public GitSnapshots(SourceSync sync, GitSource source) {
    this.sync = sync;
    this.source = source;
  }

  @Override
  public Optional<PolicySnapshot> poll() {
    switch (sync.sync(source)) {
      case SourceSync.Outcome.Failed f -> {
        problem = Optional.of(f.stage().name().toLowerCase() + " failed: " + f.reason());
        return Optional.empty();
      }
      case SourceSync.Outcome.Fetched f -> {
        problem = Optional.empty();
        RevisionContent content = f.content();
        if (content.revision().equals(lastRevision)) {
          return Optional.empty();
        }
        lastRevision = content.revision();
        return Optional.of(snapshot(content));
      }
    }
  }

  @Override
  public Optional<String> problem() {
    return problem;
  }

  private static PolicySnapshot snapshot(RevisionContent content) {
    Map<PolicyRef, HasMetadata> valid = new LinkedHashMap<>();
    for (ValidatedDocument d : content.valid()) {
      d.object()
          .ifPresent(
              o ->
                  valid.putIfAbsent(
                      PolicySnapshot.ref(d.kind().kind(), d.namespace(), d.name()), o));
    }
    Map<PolicyRef, List<FieldError>> invalid = new LinkedHashMap<>();
    List<String> fileErrors = new ArrayList<>();
    for (RevisionContent.Quarantined q : content.quarantined()) {
      if (q.object().isPresent()) {
        var o = q.object().get();
        List<FieldError> errors =
            invalid.computeIfAbsent(
                PolicySnapshot.ref(o.kind(), o.namespace(), o.name()), k -> new ArrayList<>());
        q.errors().forEach(e -> errors.add(new FieldError("", e)));
      } else {
        q.errors().forEach(e -> fileErrors.add(q.file() + ": " + e));
      }
    }
    valid.keySet().removeAll(invalid.keySet());
    return new PolicySnapshot(content.revision(), valid, invalid, fileErrors);
  }
}
