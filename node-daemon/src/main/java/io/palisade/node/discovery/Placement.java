package io.palisade.node.discovery;

/**
 * Where an address of an endpoint is on this host: behind a host-side interface the datapath can
 * attach to, expected here but not found (pending: not enforced, said so), or not this host's.
 */
public sealed interface Placement {

  /** Behind {@code hostInterface}, the pod's host-side veth. */
  record Here(String hostInterface) implements Placement {}

  /** Expected on this host, but no interface could be bound to it; {@code reason} says why. */
  record Pending(String reason) implements Placement {}

  /** Not on this host: nothing to enforce here, and nothing missing. */
  record Elsewhere() implements Placement {}
}
