package io.palisade.pipeline.local;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.validate.PolicyKind;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of a policy source without Kubernetes (files, or a Git revision): its revision, the
 * valid objects and the invalid ones with every error, and the errors of files that could not be
 * split into documents (whose objects are then unknown).
 */
public record PolicySnapshot(
    String revision,
    Map<PolicyRef, HasMetadata> valid,
    Map<PolicyRef, List<FieldError>> invalid,
    List<String> fileErrors) {

  public PolicySnapshot {
    valid = Map.copyOf(valid);
    invalid = Map.copyOf(invalid);
    fileErrors = List.copyOf(fileErrors);
  }

  /** The snapshot of what a loader read: an object with any error is invalid as a whole. */
  public static PolicySnapshot of(String revision, LoadResult loaded) {
    Map<PolicyRef, List<FieldError>> invalid = new LinkedHashMap<>();
    List<String> fileErrors = new ArrayList<>();
    for (DocumentError e : loaded.errors()) {
      if (e.kind().isEmpty()) {
        fileErrors.add(e.format());
      } else {
        invalid
            .computeIfAbsent(ref(e.kind(), e.namespace(), e.name()), k -> new ArrayList<>())
            .add(e.error());
      }
    }
    Map<PolicyRef, HasMetadata> valid = new LinkedHashMap<>();
    for (ValidatedDocument d : loaded.documents()) {
      PolicyRef ref = ref(d.kind().kind(), d.namespace(), d.name());
      if (!invalid.containsKey(ref)) {
        d.object().ifPresent(o -> valid.putIfAbsent(ref, o));
      }
    }
    return new PolicySnapshot(revision, valid, invalid, fileErrors);
  }

  /** The object's reference; a namespaced kind without a namespace is in "default". */
  public static PolicyRef ref(String kind, String namespace, String name) {
    boolean clusterScoped = PolicyKind.ofKind(kind).map(k -> !k.namespaced()).orElse(false);
    String ns = namespace.isEmpty() && !clusterScoped ? "default" : namespace;
    return new PolicyRef(kind, clusterScoped ? "" : ns, name);
  }

  /** Whether the source could be read whole: only then may what it lacks be taken as deleted. */
  public boolean complete() {
    return fileErrors.isEmpty();
  }
}
