package io.palisade.policy.rules;

import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.labels.Label;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.LabelSelectorMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Cilium's entities ({@code world}, {@code cluster}, {@code host}, ...) as selectors. */
public final class Entities {

  private Entities() {}

  /** The selectors of an entity, or empty if the name is not an entity. */
  public static Optional<List<IdentitySelector>> selectors(String entity) {
    List<IdentitySelector> out = new ArrayList<>();
    switch (entity.toLowerCase(Locale.ROOT)) {
      case "all" -> out.add(LabelSelectorMatcher.of(List.of()));
      case "world" -> {
        out.add(reserved("world"));
        out.add(reserved(ReservedIdentity.WORLD_IPV4.labelName()));
        out.add(reserved(ReservedIdentity.WORLD_IPV6.labelName()));
      }
      case "world-ipv4",
          "world-ipv6",
          "host",
          "remote-node",
          "kube-apiserver",
          "init",
          "ingress",
          "health",
          "unmanaged",
          "none" ->
          out.add(reserved(entity.toLowerCase(Locale.ROOT)));
      case "cluster" -> {
        for (String r :
            List.of(
                "host",
                "remote-node",
                "init",
                "ingress",
                "health",
                "unmanaged",
                "kube-apiserver")) {
          out.add(reserved(r));
        }
        out.add(
            LabelSelectorMatcher.matchingLabel(
                Label.k8s(ClusterLabels.CLUSTER, ClusterLabels.DEFAULT_CLUSTER)));
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }

  /**
   * Whether Palisade can place every member of the entity: {@code all}, the world entities and
   * {@code none}. {@code host}, {@code remote-node} and {@code kube-apiserver} select the addresses
   * that Node objects and the API server's EndpointSlice list ({@link #placedByObjects}), which
   * need not be all their traffic comes from; the others are reserved identities (health endpoints,
   * Cilium's ingress proxy, pods not yet or not at all managed) that have no addresses here, and
   * {@code cluster} selects the pods and the node addresses of it. A peer that selects less is
   * harmless in an allow rule and a hole in a deny rule.
   */
  public static boolean placed(String entity) {
    return switch (entity.toLowerCase(Locale.ROOT)) {
      case "all", "world", "world-ipv4", "world-ipv6", "none" -> true;
      default -> false;
    };
  }

  /** Whether the entity's addresses come from Node and EndpointSlice objects. */
  public static boolean placedByObjects(String entity) {
    return switch (entity.toLowerCase(Locale.ROOT)) {
      case "host", "remote-node", "kube-apiserver" -> true;
      default -> false;
    };
  }

  private static IdentitySelector reserved(String name) {
    return LabelSelectorMatcher.matchingLabel(Label.reserved(name));
  }
}
