package io.palisade.policy.identity;

import io.palisade.policy.labels.Labels;
import java.util.Optional;

/**
 * Gives numeric identities to label sets. Equal security labels always get the same number; cluster
 * identities come from 256 up, CIDR identities are node-local with the 1&lt;&lt;24 scope bit.
 */
public interface IdentityAllocator {

  /** The identity of a pod's security labels, allocating one if the set is new. */
  Identity allocate(Labels securityLabels);

  /** The node-local identity of a CIDR, allocating one if the prefix is new. */
  Identity allocateCidr(CidrPrefix prefix);

  /**
   * The node-local identity of a set of reserved and CIDR labels that no reserved identity has (the
   * local node that also serves the API, an API server outside the cluster), allocating one if the
   * set is new. A set that is a reserved identity's gets that identity.
   */
  Identity allocateLocal(Labels labels);

  /** The identity with this number, if allocated. */
  Optional<Identity> lookup(long id);

  /** The identity of these labels, if allocated. */
  Optional<Identity> lookup(Labels labels);

  /** Gives the number back once no endpoint uses it any more. */
  void release(long id);
}
