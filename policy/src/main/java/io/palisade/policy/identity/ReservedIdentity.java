package io.palisade.policy.identity;

import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.Optional;

/** Cilium's reserved identities, with Cilium's numbers and labels. */
public enum ReservedIdentity {
  HOST(1, "host"),
  WORLD(2, "world"),
  UNMANAGED(3, "unmanaged"),
  HEALTH(4, "health"),
  INIT(5, "init"),
  REMOTE_NODE(6, "remote-node"),
  KUBE_APISERVER(7, "kube-apiserver"),
  INGRESS(8, "ingress"),
  WORLD_IPV4(9, "world-ipv4"),
  WORLD_IPV6(10, "world-ipv6");

  private final long id;
  private final String label;

  ReservedIdentity(long id, String label) {
    this.id = id;
    this.label = label;
  }

  public long id() {
    return id;
  }

  public String labelName() {
    return label;
  }

  public Identity identity() {
    Labels labels =
        this == KUBE_APISERVER
            ? Labels.of(Label.reserved(label), Label.reserved(REMOTE_NODE.label))
            : Labels.of(Label.reserved(label));
    return new Identity(id, labels);
  }

  public static Optional<ReservedIdentity> ofId(long id) {
    for (ReservedIdentity r : values()) {
      if (r.id == id) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The world identity of an address family: addresses outside the cluster and every CIDR. */
  public static ReservedIdentity world(boolean ipv4) {
    return ipv4 ? WORLD_IPV4 : WORLD_IPV6;
  }
}
