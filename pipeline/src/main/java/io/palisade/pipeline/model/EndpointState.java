package io.palisade.pipeline.model;

import java.util.List;

/** A local endpoint of a node: its id, addresses, identity, and which directions are enforced. */
public record EndpointState(
    String id,
    List<String> addresses,
    long identity,
    boolean enforceIngress,
    boolean enforceEgress) {

  public EndpointState {
    addresses = List.copyOf(addresses);
  }
}
