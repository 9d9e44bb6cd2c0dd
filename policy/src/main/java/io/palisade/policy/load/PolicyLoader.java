package io.palisade.policy.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.validate.DocumentValidator;
import io.palisade.policy.validate.PolicyKind;
import io.palisade.policy.validate.ValidatedDocument;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;

/**
 * Reads policy files and directories into a validated policy set. Every document is validated on
 * its own; an invalid one is reported with all its errors and contributes nothing, while the valid
 * ones around it still load.
 */
public final class PolicyLoader {

  private final YamlDocuments yaml = new YamlDocuments();
  private final DocumentValidator validator;

  public PolicyLoader() {
    this.validator = new DocumentValidator(yaml.mapper(), KubernetesPolicies::validate);
  }

  /**
   * Does ahead, e.g. on another thread while a command line is parsed, the work that the first
   * document of {@code kind} would otherwise pay in a new JVM: see {@link
   * DocumentValidator#prepare}. Loading stays correct without it.
   */
  public void prepare(PolicyKind kind) {
    validator.prepare(kind);
  }

  public LoadResult load(List<Path> paths) {
    Batch batch = new Batch();
    for (Path path : paths) {
      List<Path> files;
      try {
        files = PolicyFiles.expand(List.of(path));
      } catch (IOException e) {
        batch.fileError(path.toString(), "cannot be read: " + e.getMessage());
        continue;
      }
      for (Path file : files) {
        read(file, batch).ifPresent(text -> loadText(file.toString(), text, batch));
      }
    }
    return batch.result();
  }

  /** Loads the documents of one file's text, e.g. a manifest fetched from Git. */
  public LoadResult load(String file, String text) {
    Batch batch = new Batch();
    loadText(file, text, batch);
    return batch.result();
  }

  /**
   * Loads several files' texts as one batch, in the map's order, e.g. every manifest of a revision
   * fetched from Git: an object defined twice across the files is an error, as with {@link
   * #load(List)}.
   */
  public LoadResult load(SequencedMap<String, String> files) {
    Batch batch = new Batch();
    files.forEach((file, text) -> loadText(file, text, batch));
    return batch.result();
  }

  /** The file's text, or empty after recording why it cannot be used. */
  private static Optional<String> read(Path file, Batch batch) {
    try {
      return Optional.of(YamlDocuments.readText(file));
    } catch (YamlDocuments.UnreadableFileException e) {
      batch.fileError(file.toString(), e.getMessage());
      return Optional.empty();
    }
  }

  private void loadText(String file, String text, Batch batch) {
    YamlDocuments.Split split = yaml.split(text);
    for (JsonNode doc : split.documents()) {
      document(file, doc, batch);
    }
    split.problem().ifPresent(p -> batch.fileError(file, p));
    if (split.problem().isEmpty() && split.documents().stream().allMatch(PolicyLoader::isEmpty)) {
      // A truncated or emptied file must not read as "this file holds no policies": that would
      // remove its policies at once. As an error it blocks every removal until it is fixed.
      batch.fileError(file, "holds no YAML document (an empty policy file is an error)");
    }
  }

  private static boolean isEmpty(JsonNode doc) {
    return doc == null || doc.isNull() || doc.isMissingNode();
  }

  private void document(String file, JsonNode doc, Batch batch) {
    if (isEmpty(doc)) {
      return;
    }
    if (!doc.isObject()) {
      batch.fileError(file, "a document is not a Kubernetes object (expected a mapping)");
      return;
    }
    String kind = doc.path("kind").asText("");
    if (kind.equals("List") && doc.path("items").isArray()) {
      doc.path("items").forEach(item -> document(file, item, batch));
      return;
    }
    Optional<PolicyKind> policyKind = DocumentValidator.kindOf(doc);
    if (policyKind.isEmpty()) {
      unsupported(file, doc, kind, batch);
      return;
    }
    batch.add(file, validator.validate(doc, policyKind.get()));
  }

  /** Other Kubernetes objects are left alone, but policies Palisade cannot enforce are not. */
  private static void unsupported(String file, JsonNode doc, String kind, Batch batch) {
    String apiVersion = doc.path("apiVersion").asText("");
    if (apiVersion.startsWith("policy.networking.k8s.io/")) {
      batch.errors.add(
          new DocumentError(
              file,
              kind,
              doc.path("metadata").path("namespace").asText(""),
              doc.path("metadata").path("name").asText(""),
              new FieldError("kind", apiVersion + " " + kind + " is not supported by Palisade")));
    }
  }

  /** What one call to load gathers. */
  private final class Batch {
    final PolicySet set = new PolicySet();
    final List<DocumentError> errors = new ArrayList<>();
    final List<ValidatedDocument> documents = new ArrayList<>();
    final Map<String, String> seen = new HashMap<>();

    void fileError(String file, String message) {
      errors.add(new DocumentError(file, "", "", "", new FieldError("", message)));
    }

    void add(String file, ValidatedDocument doc) {
      documents.add(doc);
      String key = doc.kind().kind() + " " + doc.namespace() + "/" + doc.name();
      String first = seen.putIfAbsent(key, file);
      List<FieldError> problems = new ArrayList<>(doc.errors());
      if (first != null && !doc.name().isEmpty()) {
        problems.add(new FieldError("metadata.name", "duplicates the object defined in " + first));
      }
      for (FieldError e : problems) {
        errors.add(new DocumentError(file, doc.kind().kind(), doc.namespace(), doc.name(), e));
      }
      if (problems.isEmpty()) {
        doc.object().ifPresent(set::add);
      }
    }

    LoadResult result() {
      return new LoadResult(set, errors, documents);
    }
  }
}
