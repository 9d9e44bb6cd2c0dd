package io.palisade.policy.validate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.policy.parse.FieldError;
import java.util.List;
import java.util.Optional;

/**
 * One policy document after validation: what it is, and either the bound object (when valid) or
 * every error it has. An invalid document contributes nothing, not even its valid rules.
 */
public record ValidatedDocument(
    PolicyKind kind,
    String namespace,
    String name,
    Optional<HasMetadata> object,
    List<FieldError> errors) {

  public ValidatedDocument {
    errors = List.copyOf(errors);
    if (object.isPresent() != errors.isEmpty()) {
      throw new IllegalArgumentException("a document is bound exactly when it has no errors");
    }
  }

  public boolean valid() {
    return errors.isEmpty();
  }
}
