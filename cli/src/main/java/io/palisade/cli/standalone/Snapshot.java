package io.palisade.cli.standalone;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.validate.PolicyKind;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One read of the policy source: its revision, the valid objects and the invalid ones (with every
 * error) by key, and the errors of files that could not be split into documents.
 */
public record Snapshot(
    String revision,
    Map<String, HasMetadata> validObjects,
    Map<String, List<String>> invalidObjects,
    List<String> fileErrors) {

  public Snapshot {
    validObjects = Map.copyOf(validObjects);
    invalidObjects = Map.copyOf(invalidObjects);
    fileErrors = List.copyOf(fileErrors);
  }

  /** The snapshot of what a loader read: an object with any error is invalid as a whole. */
  static Snapshot of(String revision, LoadResult loaded) {
    Map<String, List<String>> invalid = new LinkedHashMap<>();
    List<String> fileErrors = new ArrayList<>();
    for (DocumentError e : loaded.errors()) {
      if (e.kind().isEmpty()) {
        fileErrors.add(e.format());
      } else {
        invalid
            .computeIfAbsent(key(e.kind(), e.namespace(), e.name()), k -> new ArrayList<>())
            .add(e.error().toString());
      }
    }
    Map<String, HasMetadata> valid = new LinkedHashMap<>();
    for (ValidatedDocument d : loaded.documents()) {
      String key = key(d.kind().kind(), d.namespace(), d.name());
      if (!invalid.containsKey(key)) {
        d.object().ifPresent(o -> valid.putIfAbsent(key, o));
      }
    }
    return new Snapshot(revision, valid, invalid, fileErrors);
  }

  /** {@code kind namespace/name}; a namespaced kind without a namespace is in "default". */
  static String key(String kind, String namespace, String name) {
    boolean clusterScoped = PolicyKind.ofKind(kind).map(k -> !k.namespaced()).orElse(false);
    String ns = namespace.isEmpty() && !clusterScoped ? "default" : namespace;
    return kind + " " + (ns.isEmpty() ? name : ns + "/" + name);
  }
}
