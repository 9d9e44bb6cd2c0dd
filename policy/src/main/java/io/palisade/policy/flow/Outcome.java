package io.palisade.policy.flow;

import io.palisade.policy.mapstate.Verdict;

/** The verdict of a whole flow as tools print it. */
public enum Outcome {
  ALLOWED,
  REDIRECTED,
  DENIED;

  public static Outcome of(Verdict v) {
    return switch (v) {
      case ALLOW -> ALLOWED;
      case REDIRECT -> REDIRECTED;
      case DENY -> DENIED;
    };
  }
}
