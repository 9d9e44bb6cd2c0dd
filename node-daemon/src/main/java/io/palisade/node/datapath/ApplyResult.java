package io.palisade.node.datapath;

import java.util.Map;
import java.util.Set;

/**
 * What one apply wrote: map operations per map, the interfaces newly attached (a recreated veth
 * counts again) and detached (their pods went), and the interfaces the programs could not be
 * attached to, with why: their endpoints are not enforced.
 */
public record ApplyResult(
    int ipcacheWrites,
    int cidrWrites,
    int endpointWrites,
    int policyWrites,
    Set<String> attached,
    Set<String> detached,
    Map<String, String> unattached,
    long generation) {

  public ApplyResult {
    attached = Set.copyOf(attached);
    detached = Set.copyOf(detached);
    unattached = Map.copyOf(unattached);
  }

  /** Writes only, no interface touched: what a repair or an unchanged state gives. */
  static ApplyResult writes(int ipcache, int cidrs, int endpoints, int policy, long generation) {
    return new ApplyResult(
        ipcache, cidrs, endpoints, policy, Set.of(), Set.of(), Map.of(), generation);
  }

  public int totalWrites() {
    return ipcacheWrites + cidrWrites + endpointWrites + policyWrites;
  }
}
