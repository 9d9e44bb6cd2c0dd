package io.palisade.gitops;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * One poll of a source, as the operator's reconciler and standalone mode run it: fetch into the
 * shared cache, verify the signature when the source asks for it, then read and validate the
 * revision. Nothing here throws for a bad server or a bad commit: each failure is an {@link
 * Outcome.Failed} that callers treat as "no change", so the policies in force stay as they are.
 */
public final class SourceSync {

  private final RepositoryCache cache;
  private final RevisionReader reader = new RevisionReader();

  public SourceSync(RepositoryCache cache) {
    this.cache = cache;
  }

  /** What one poll produced. */
  public sealed interface Outcome {
    /** A revision read and validated; {@code signature} is present when the source verifies. */
    record Fetched(
        RevisionContent content, Optional<VerifiedSignature> signature, Duration fetchTook)
        implements Outcome {}

    /** Nothing new can be used: the stage (fetch, verify, read) and why. Means "no change". */
    record Failed(Stage stage, String reason) implements Outcome {}
  }

  /** Where a poll failed, for status reasons such as FetchFailed or SourceVerificationFailed. */
  public enum Stage {
    SPEC,
    FETCH,
    VERIFY,
    READ
  }

  /** Polls the source once. */
  public Outcome sync(GitSource source) {
    RepositoryCache.Fetched fetched;
    try {
      fetched = cache.fetch(source);
    } catch (InvalidSourceException e) {
      return new Outcome.Failed(Stage.SPEC, e.getMessage());
    } catch (FetchException e) {
      return new Outcome.Failed(Stage.FETCH, e.getMessage());
    }
    Optional<VerifiedSignature> signature = Optional.empty();
    try {
      if (source.verify().isPresent()) {
        signature =
            Optional.of(
                new SignatureVerifier(source.verify().get())
                    .verify(fetched.repository(), fetched.resolved()));
      }
    } catch (VerificationException | IOException e) {
      return new Outcome.Failed(
          Stage.VERIFY, fetched.resolved().revision() + ": " + e.getMessage());
    }
    try {
      RevisionContent content =
          reader.read(fetched.repository(), fetched.resolved(), source.normalizedPath());
      return new Outcome.Fetched(content, signature, fetched.took());
    } catch (RevisionException | IOException e) {
      return new Outcome.Failed(Stage.READ, e.getMessage());
    }
  }
}
