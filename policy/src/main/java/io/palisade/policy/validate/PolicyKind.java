package io.palisade.policy.validate;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import java.util.Optional;
import java.util.Set;

/** The kinds of object that Palisade reads from policy files, with the API versions it accepts. */
public enum PolicyKind {
  CILIUM_NETWORK_POLICY(
      "CiliumNetworkPolicy", "cilium.io", Set.of("v2"), true, CiliumNetworkPolicy.class),
  CILIUM_CLUSTERWIDE_NETWORK_POLICY(
      "CiliumClusterwideNetworkPolicy",
      "cilium.io",
      Set.of("v2"),
      false,
      CiliumClusterwideNetworkPolicy.class),
  CILIUM_CIDR_GROUP(
      "CiliumCIDRGroup", "cilium.io", Set.of("v2", "v2alpha1"), false, CiliumCIDRGroup.class),
  NETWORK_POLICY("NetworkPolicy", "networking.k8s.io", Set.of("v1"), true, NetworkPolicy.class);

  private final String kind;
  private final String group;
  private final Set<String> versions;
  private final boolean namespaced;
  private final Class<? extends HasMetadata> type;

  PolicyKind(
      String kind,
      String group,
      Set<String> versions,
      boolean namespaced,
      Class<? extends HasMetadata> type) {
    this.kind = kind;
    this.group = group;
    this.versions = versions;
    this.namespaced = namespaced;
    this.type = type;
  }

  public static Optional<PolicyKind> ofKind(String kind) {
    for (PolicyKind k : values()) {
      if (k.kind.equals(kind)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The kind as written in {@code kind:}. */
  public String kind() {
    return kind;
  }

  public boolean namespaced() {
    return namespaced;
  }

  public Class<? extends HasMetadata> type() {
    return type;
  }

  /** Whether {@code apiVersion} is one this kind is served at. */
  public boolean accepts(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash > 0
        && apiVersion.substring(0, slash).equals(group)
        && versions.contains(apiVersion.substring(slash + 1));
  }

  /** The accepted API versions, for an error message. */
  public String apiVersions() {
    return versions.stream()
        .sorted()
        .map(v -> group + "/" + v)
        .reduce((a, b) -> a + " or " + b)
        .orElse("");
  }
}
