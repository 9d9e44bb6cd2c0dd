package io.palisade.gitops;

import java.util.List;
import java.util.stream.Collectors;

/** A {@link GitSource} that failed validation, carrying every error at once. */
public final class InvalidSourceException extends IllegalArgumentException {

  private final transient List<SpecError> errors;

  public InvalidSourceException(List<SpecError> errors) {
    super(errors.stream().map(SpecError::toString).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public List<SpecError> errors() {
    return errors;
  }
}
