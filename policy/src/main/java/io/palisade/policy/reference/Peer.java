package io.palisade.policy.reference;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import java.util.Optional;

/**
 * The other end of a flow as the reference evaluator sees it: its identity, and, when it is a pod
 * with an address, that address (as a host prefix), on which Kubernetes ipBlocks are judged
 * directly rather than through the pod's {@code ipblock:} labels.
 */
public record Peer(Identity identity, Optional<CidrPrefix> podAddress) {

  /** A peer outside the cluster, or a pod without an address: in no ipBlock as a pod. */
  public static Peer of(Identity identity) {
    return new Peer(identity, Optional.empty());
  }
}
