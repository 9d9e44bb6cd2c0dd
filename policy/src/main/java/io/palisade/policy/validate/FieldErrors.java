package io.palisade.policy.validate;

import io.palisade.policy.parse.FieldError;
import java.util.ArrayList;
import java.util.List;

/** Collects the errors of one document, so that all of them are reported together. */
public final class FieldErrors {

  private final List<FieldError> errors = new ArrayList<>();

  public void add(String path, String message) {
    errors.add(new FieldError(path, message));
  }

  public void addAll(List<FieldError> more) {
    errors.addAll(more);
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public List<FieldError> list() {
    return List.copyOf(errors);
  }
}
