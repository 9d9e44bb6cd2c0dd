package io.palisade.gitops;

/**
 * A fetch or ref resolution that failed: the server is down, refused the credentials, timed out, or
 * the ref is gone. Callers treat it as "no change": the policies in force stay as they are, and are
 * never read as an empty revision.
 */
public final class FetchException extends Exception {

  public FetchException(String message, Throwable cause) {
    super(message, cause);
  }

  public FetchException(String message) {
    super(message);
  }
}
