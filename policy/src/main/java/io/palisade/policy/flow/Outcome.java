package io.palisade.policy.flow;

import io.palisade.policy.mapstate.Verdict;
import java.util.Optional;

/**
 * The verdict of a whole flow as tools print it. A redirect stays {@link #REDIRECTED}, as the
 * datapath and a future proxy need it, but no L7 proxy serves redirects yet, so a redirected flow
 * is dropped and is never to be read as allowed.
 */
public enum Outcome {
  ALLOWED,
  REDIRECTED,
  DENIED;

  /** Why a redirected flow does not get through today. */
  public static final String NO_PROXY = "no L7 proxy is ready";

  public static Outcome of(Verdict v) {
    return switch (v) {
      case ALLOW -> ALLOWED;
      case REDIRECT -> REDIRECTED;
      case DENY -> DENIED;
    };
  }

  /** Whether the flow's packets are dropped: denied, or redirected to a proxy that is not there. */
  public boolean dropped() {
    return this != ALLOWED;
  }

  /** Why a flow that the policy does not deny is dropped anyway. */
  public Optional<String> dropReason() {
    return this == REDIRECTED ? Optional.of(NO_PROXY) : Optional.empty();
  }

  /** The outcome for a reader: {@code REDIRECTED (no proxy: dropped)}, or the name. */
  public String label() {
    return this == REDIRECTED ? name() + " (no proxy: dropped)" : name();
  }
}
