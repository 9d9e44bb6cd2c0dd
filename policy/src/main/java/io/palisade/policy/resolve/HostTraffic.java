package io.palisade.policy.resolve;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether the local node reaches its own pods whatever their ingress policy says, as Cilium's
 * {@code --allow-localhost=always} (its default in Kubernetes) makes it: kubelet's liveness and
 * readiness probes come from the node. With {@link #ALLOWED} every subject whose ingress is
 * default-deny gets an allow of every port from each identity labelled {@code reserved:host}; a
 * deny rule that names the host still wins over it, as in Cilium. With {@link #POLICY} the host is
 * a peer like any other and needs a rule ({@code fromEntities: [host]}).
 */
public enum HostTraffic {
  ALLOWED,
  POLICY;

  /** The option's value as users write it: {@code allowed} or {@code policy}. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@code value} of {@code option} (a flag or a property), or an IllegalArgumentException naming
   * the option and the values it takes.
   */
  public static HostTraffic parse(String option, String value) {
    return parse(value)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    option + ": \"" + value + "\" is neither allowed nor policy"));
  }

  public static Optional<HostTraffic> parse(String value) {
    for (HostTraffic h : values()) {
      if (h.optionValue().equalsIgnoreCase(value.trim())) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }
}
