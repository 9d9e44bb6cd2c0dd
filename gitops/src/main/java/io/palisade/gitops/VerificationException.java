package io.palisade.gitops;

/** A commit or tag whose signature does not satisfy the source's {@link Verification}. */
public final class VerificationException extends Exception {

  public VerificationException(String reason) {
    super(reason);
  }
}
