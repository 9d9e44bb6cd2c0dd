package io.palisade.policy.selector;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.policy.fqdn.FqdnMatcher;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;

/**
 * A {@code toFQDNs} peer: selects the one node-local identity that stands for this selector's
 * addresses. The addresses are learned on the node, by its DNS proxy, from answers to the names the
 * selector matches; the engine only ever sees the identity, as Cilium's selector cache sees the
 * CIDR identities of a selector's IPs.
 */
public record FqdnSelector(FQDNSelector selector) implements IdentitySelector {

  /** The label source of FQDN selector identities. */
  public static final String SOURCE = "fqdn";

  /** The label set of this selector's identity. */
  public Labels labels() {
    return Labels.of(new Label(SOURCE, FqdnMatcher.key(selector), ""));
  }

  @Override
  public boolean selects(Identity identity) {
    String key = FqdnMatcher.key(selector);
    for (Label l : identity.labels()) {
      if (l.source().equals(SOURCE) && l.key().equals(key)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "fqdn:" + FqdnMatcher.key(selector);
  }
}
