package io.palisade.policy.load;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.validate.KubernetesPolicyValidator;
import java.util.List;

/** The meaning checks of the one kind whose Java type is not a Cilium one. */
final class KubernetesPolicies {

  private KubernetesPolicies() {}

  static List<FieldError> validate(HasMetadata object) {
    return object instanceof NetworkPolicy np ? KubernetesPolicyValidator.validate(np) : List.of();
  }
}
