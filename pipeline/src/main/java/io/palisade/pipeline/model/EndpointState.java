package io.palisade.pipeline.model;

import java.util.List;

/**
 * A local endpoint of a node: its id, addresses, identity, which directions are enforced, and
 * whether its gRPC server enforces its own ingress L7 rules (see {@link
 * Workload#PROXYLESS_ANNOTATION}).
 */
public record EndpointState(
    String id,
    List<String> addresses,
    long identity,
    boolean enforceIngress,
    boolean enforceEgress,
    boolean proxylessGrpc) {

  public EndpointState {
    addresses = List.copyOf(addresses);
  }

  /** An endpoint whose L7 rules, if any, are for the node's proxy. */
  public EndpointState(
      String id,
      List<String> addresses,
      long identity,
      boolean enforceIngress,
      boolean enforceEgress) {
    this(id, addresses, identity, enforceIngress, enforceEgress, false);
  }
}
