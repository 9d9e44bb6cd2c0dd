package io.palisade.policy.selector;

import io.palisade.policy.identity.Identity;

/**
 * Selects identities: the peers of a rule, after namespace and cluster injection. Equal selectors
 * share one entry in the selector cache, so implementations are values.
 */
public interface IdentitySelector {

  boolean selects(Identity identity);

  /** Whether it selects every identity, reserved and CIDR ones included. */
  default boolean isWildcard() {
    return false;
  }
}
