package io.palisade.policy.rules;

import java.util.Map;
import java.util.Optional;

/**
 * Whether a policy's verdicts are enforced or only reported: the annotation {@code
 * palisade.io/enforcement} on a CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or
 * NetworkPolicy. In audit mode the policy's would-be drops pass and are reported {@code AUDIT}; an
 * allow of an audit-mode policy never grants what enforced policies do not.
 */
public enum PolicyMode {
  ENFORCE("enforce"),
  AUDIT("audit");

  public static final String ANNOTATION = "palisade.io/enforcement";

  /** The annotation's field path, as validation errors name it. */
  public static final String FIELD = "metadata.annotations[\"" + ANNOTATION + "\"]";

  private final String value;

  PolicyMode(String value) {
    this.value = value;
  }

  /** The annotation value that asks for this mode. */
  public String value() {
    return value;
  }

  /** The mode an annotation value names, or empty when it names none. */
  public static Optional<PolicyMode> ofValue(String value) {
    for (PolicyMode m : values()) {
      if (m.value.equals(value)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /**
   * The mode of an object with these annotations: enforce without the annotation. A value that
   * names no mode was refused by validation; should one reach here, the policy stays enforced.
   */
  public static PolicyMode of(Map<String, String> annotations) {
    if (annotations == null) {
      return ENFORCE;
    }
    String v = annotations.get(ANNOTATION);
    return v == null ? ENFORCE : ofValue(v).orElse(ENFORCE);
  }
}
