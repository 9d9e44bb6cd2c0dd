package io.palisade.policy.selector;

import io.palisade.policy.identity.Identity;

/**
 * A peer that selects no identity here, with the reason: Services, FQDNs, nodes and cloud groups
 * need state that a policy set and a cluster inventory do not carry.
 */
public record NoIdentities(String reason) implements IdentitySelector {

  @Override
  public boolean selects(Identity identity) {
    return false;
  }

  @Override
  public String toString() {
    return "none (" + reason + ")";
  }
}
