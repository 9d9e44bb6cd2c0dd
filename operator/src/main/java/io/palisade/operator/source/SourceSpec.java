package io.palisade.operator.source;

import io.palisade.gitops.GitSource;
import io.palisade.gitops.WebhookVerifier;
import java.time.Duration;
import java.util.Optional;

/**
 * A PolicySource's spec once every field and Secret has been read and checked: the Git part for
 * gitops, and what the operator does with it.
 */
public record SourceSpec(
    GitSource git,
    Duration interval,
    boolean prune,
    boolean suspend,
    DeletionPolicy deletionPolicy,
    Optional<Webhook> webhook) {

  /** Flux's usual poll interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  /** What deleting the source does to the objects of its inventory. */
  public enum DeletionPolicy {
    /** Leave them in force: deleting a network policy opens or closes traffic. */
    ORPHAN,
    /** Delete them, except those annotated {@code palisade.io/prune: disabled}. */
    DELETE
  }

  /** A push receiver: which forge signs the calls, with which token. */
  public record Webhook(WebhookVerifier.Provider provider, String token) {
    @Override
    public String toString() {
      return "Webhook[" + provider + ", token=***]";
    }
  }
}
