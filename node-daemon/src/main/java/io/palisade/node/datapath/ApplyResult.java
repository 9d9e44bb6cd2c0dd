package io.palisade.node.datapath;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What one apply wrote: map operations per map (services counts the service and backend maps), the
 * interfaces newly attached (a recreated veth counts again) and detached (their pods went), the
 * interfaces the programs could not be attached to, with why (their endpoints are not enforced),
 * and how long it took.
 */
public record ApplyResult(
    int ipcacheWrites,
    int cidrWrites,
    int endpointWrites,
    int policyWrites,
    int serviceWrites,
    Set<String> attached,
    Set<String> detached,
    Map<String, String> unattached,
    long generation,
    Duration took) {

  public ApplyResult {
    attached = Set.copyOf(attached);
    detached = Set.copyOf(detached);
    unattached = Map.copyOf(unattached);
  }

  /** Writes only, no interface touched: what a repair or an unchanged state gives. */
  static ApplyResult writes(
      int ipcache, int cidrs, int endpoints, int policy, int services, long generation) {
    return new ApplyResult(
        ipcache,
        cidrs,
        endpoints,
        policy,
        services,
        Set.of(),
        Set.of(),
        Map.of(),
        generation,
        Duration.ZERO);
  }

  public int totalWrites() {
    return ipcacheWrites + cidrWrites + endpointWrites + policyWrites + serviceWrites;
  }
}
