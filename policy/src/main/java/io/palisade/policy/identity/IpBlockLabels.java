package io.palisade.policy.identity;

import io.palisade.policy.labels.Label;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The {@code ipblock:} security labels of a pod: one for each prefix, of those the Kubernetes
 * NetworkPolicies in force name in an ipBlock ({@code cidr} or {@code except}), that holds one of
 * its addresses. Pods then share an identity only if they lie in the same ipBlocks, which lets an
 * ipBlock select pods by identity and still mean exactly their addresses. A pod in no such prefix
 * gets no label, so its identity is the one it would have without ipBlocks.
 */
public final class IpBlockLabels {

  private IpBlockLabels() {}

  /** The label that marks membership in {@code prefix}. */
  public static Label of(CidrPrefix prefix) {
    return new Label(Label.IPBLOCK, prefix.labelKey(), "");
  }

  /**
   * The labels of {@code addresses} for the ipBlock {@code prefixes}, sorted; an address that does
   * not parse lies in no prefix.
   */
  public static List<Label> of(Collection<String> addresses, Collection<CidrPrefix> prefixes) {
    if (prefixes.isEmpty()) {
      return List.of();
    }
    TreeSet<Label> out = new TreeSet<>();
    for (String address : addresses) {
      Optional<byte[]> bytes = CidrPrefix.parseAddress(address);
      if (bytes.isEmpty()) {
        continue;
      }
      for (CidrPrefix p : prefixes) {
        if (p.containsAddress(bytes.get())) {
          out.add(of(p));
        }
      }
    }
    return List.copyOf(out);
  }
}
