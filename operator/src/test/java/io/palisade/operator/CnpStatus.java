package io.palisade.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.status.PolicyConditions;

/** Reads a CiliumNetworkPolicy's status back from the API, as the tests check it. */
public final class CnpStatus {

  private CnpStatus() {}

  /** The status of CNP {@code default/name}; null while the object or its status is absent. */
  public static PolicyStatus of(KubernetesClient client, String name) {
    CiliumNetworkPolicy p =
        client.resources(CiliumNetworkPolicy.class).inNamespace("default").withName(name).get();
    return p == null ? null : p.getStatus();
  }

  /** The status of condition {@code type}; empty when there is none (or no status). */
  public static String condition(PolicyStatus s, String type) {
    return PolicyConditions.condition(s, type).map(PolicyCondition::status).orElse("");
  }

  /** The message of condition {@code type}; empty when there is none. */
  public static String message(PolicyStatus s, String type) {
    return PolicyConditions.condition(s, type).map(PolicyCondition::message).orElse("");
  }
}
