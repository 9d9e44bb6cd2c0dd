package io.palisade.policy.load;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicySet;
import java.util.List;

/** Where the loader meets the Kubernetes NetworkPolicy translator. */
final class KubernetesPolicies {

  private KubernetesPolicies() {}

  static List<FieldError> validate(HasMetadata object) {
    return List.of();
  }

  static PolicySet.KubernetesPolicy translate(NetworkPolicy policy) {
    return List::of;
  }
}
