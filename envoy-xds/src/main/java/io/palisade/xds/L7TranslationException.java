package io.palisade.xds;

import java.util.List;

/**
 * A node's L7 state says something stock Envoy cannot enforce exactly, or its resources fail the
 * checks Envoy would apply; nothing of it is published. Every problem is listed.
 */
public final class L7TranslationException extends RuntimeException {

  private final List<String> errors;

  public L7TranslationException(List<String> errors) {
    super(String.join("; ", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
