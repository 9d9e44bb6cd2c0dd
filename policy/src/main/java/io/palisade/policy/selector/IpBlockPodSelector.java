package io.palisade.policy.selector;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.IpBlockLabels;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;

/**
 * The pods of a Kubernetes NetworkPolicy ipBlock: the pod identities labelled {@code
 * ipblock:<cidr>} and none of {@code ipblock:<except>}. Every pod gets a label for each ipBlock
 * prefix holding its address ({@link IpBlockLabels}), so this selects exactly the identities of the
 * pods whose address {@link #block} picks. The addresses outside the cluster are the {@link
 * CidrSelector} of the same block.
 */
public record IpBlockPodSelector(CidrSelector block) implements IdentitySelector {

  @Override
  public boolean selects(Identity identity) {
    Labels labels = identity.labels();
    if (!labels.contains(IpBlockLabels.of(block.cidr()))) {
      return false;
    }
    for (CidrPrefix e : block.except()) {
      if (labels.contains(IpBlockLabels.of(e))) {
        return false;
      }
    }
    return true;
  }

  /** The label every selected identity carries, by which the selector cache indexes it. */
  public Label anchor() {
    return IpBlockLabels.of(block.cidr());
  }

  /** Whether a pod with {@code address} is in the block, judged on the address itself. */
  public boolean selectsAddress(byte[] address) {
    return block.selectsAddress(address);
  }

  @Override
  public String toString() {
    return "pods in ipBlock " + block.toString().substring("cidr:".length());
  }
}
