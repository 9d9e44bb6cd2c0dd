package io.palisade.gitops;

/** A problem in a source's spec, at its field path: {@code spec.ref.semver: ">=1.x.y" is ...}. */
public record SpecError(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
