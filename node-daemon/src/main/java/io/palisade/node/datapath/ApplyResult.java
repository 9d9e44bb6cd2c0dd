package io.palisade.node.datapath;

import java.util.Set;

/**
 * What one apply wrote: map operations per map (services counts the service and backend maps), and
 * the interfaces newly attached.
 */
public record ApplyResult(
    int ipcacheWrites,
    int cidrWrites,
    int endpointWrites,
    int policyWrites,
    int serviceWrites,
    Set<String> attached,
    long generation) {

  public int totalWrites() {
    return ipcacheWrites + cidrWrites + endpointWrites + policyWrites + serviceWrites;
  }
}
