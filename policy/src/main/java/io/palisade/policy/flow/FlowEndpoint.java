package io.palisade.policy.flow;

import io.palisade.policy.cluster.Pod;
import io.palisade.policy.identity.Identity;
import java.util.Optional;

/** One end of a flow: a pod of the cluster, or an address outside it. */
public record FlowEndpoint(String name, Identity identity, Optional<Pod> pod) {

  /** Whether policy is enforced at this end (only pods have policies of their own). */
  public boolean isLocal() {
    return pod.isPresent();
  }

  @Override
  public String toString() {
    return name;
  }
}
