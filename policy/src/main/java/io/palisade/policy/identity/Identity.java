package io.palisade.policy.identity;

import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.Optional;

/** A numeric security identity and the security labels it stands for. */
public record Identity(long id, Labels labels) {

  /** Scope bit of node-local identities (CIDR), as in Cilium. */
  public static final long LOCAL_SCOPE = 1L << 24;

  /** The first identity a cluster with id 0 allocates. */
  public static final long MIN_CLUSTER_IDENTITY = 256;

  public static final long MAX_CLUSTER_IDENTITY = 65535;

  public boolean isReserved() {
    return id > 0 && id < MIN_CLUSTER_IDENTITY;
  }

  public boolean isLocal() {
    return (id & LOCAL_SCOPE) != 0;
  }

  /** The CIDR this identity stands for, when it is a CIDR identity. */
  public Optional<CidrPrefix> cidr() {
    for (Label l : labels) {
      if (l.source().equals(Label.CIDR)) {
        return CidrPrefix.fromLabelKey(l.key());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return id + " " + labels;
  }
}
