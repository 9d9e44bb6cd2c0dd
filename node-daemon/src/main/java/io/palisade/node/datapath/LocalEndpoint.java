package io.palisade.node.datapath;

import io.palisade.policy.identity.CidrPrefix;

/**
 * A pod on this node: its address, its security identity, and the host-side veth its traffic passes
 * (the only kind of interface the datapath attaches to).
 */
public record LocalEndpoint(CidrPrefix address, long identity, String hostInterface) {

  public LocalEndpoint {
    if (address.length() != address.address().length * 8) {
      throw new IllegalArgumentException("an endpoint address is a host address: " + address);
    }
  }
}
