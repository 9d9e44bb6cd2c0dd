package io.palisade.node.datapath;

import java.time.Duration;
import java.util.Set;

/**
 * What one apply wrote: map operations per map (services counts the service and backend maps), the
 * interfaces newly attached, how long it took.
 */
public record ApplyResult(
    int ipcacheWrites,
    int cidrWrites,
    int endpointWrites,
    int policyWrites,
    int serviceWrites,
    Set<String> attached,
    long generation,
    Duration took) {

  public int totalWrites() {
    return ipcacheWrites + cidrWrites + endpointWrites + policyWrites + serviceWrites;
  }
}
