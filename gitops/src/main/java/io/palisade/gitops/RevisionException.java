package io.palisade.gitops;

/**
 * A revision that cannot be read as a whole (its {@code path} is missing or not a directory). Like
 * a failed fetch, it means "no change" for the policies in force.
 */
public final class RevisionException extends Exception {

  public RevisionException(String message) {
    super(message);
  }

  public RevisionException(String message, Throwable cause) {
    super(message, cause);
  }
}
