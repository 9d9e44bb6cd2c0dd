package io.palisade.policy.validate;

import io.palisade.crds.api.PortRule;
import io.palisade.crds.api.Rule;
import io.palisade.policy.rules.Entities;
import io.palisade.policy.rules.PeerElement;
import java.util.Set;

/**
 * The fields of Cilium's language that Palisade reads but does not enforce yet, refused at their
 * path. Accepting one would mean enforcing the policy without it: a deny that misses what it names,
 * or an allow the user believes protected by TLS or authentication. L7 HTTP, Kafka and DNS rules
 * are not here: they become redirect verdicts, which drop while no proxy serves them; {@code
 * toFQDNs} peers select addresses only the node's DNS proxy learns, so they allow nothing until
 * then.
 */
final class Unenforced {

  private static final String PREFIX = "not supported yet: ";
  private static final String SUFFIX = "; the policy is refused rather than enforced partially";

  /**
   * Modes of {@code authentication} that ask for more than Palisade does; disabled asks nothing.
   */
  private static final Set<String> AUTHENTICATING = Set.of("required", "test-always-fail");

  private Unenforced() {}

  /** The rule's subject: a CCNP's {@code nodeSelector} (a CNP's is an error of its own). */
  static void subject(Rule rule, String path, boolean clusterwide, FieldErrors out) {
    if (clusterwide && rule.nodeSelector() != null) {
      refuse(
          path + ".nodeSelector",
          "Palisade does not enforce host policies (Cilium's host firewall)",
          out);
    }
  }

  /** One element of ingress, ingressDeny, egress or egressDeny. */
  static void element(PeerElement e, String path, FieldErrors out) {
    String p = e.prefix();
    if (Each.nonEmpty(e.groups())) {
      refuse(path + "." + p + "Groups", "Palisade does not resolve cloud provider groups", out);
    }
    if (Each.nonEmpty(e.nodes())) {
      refuse(path + "." + p + "Nodes", "Palisade does not select nodes by their labels", out);
    }
    if (e.deny() && Each.nonEmpty(e.services())) {
      // Until the Service and its backends are known, a deny by Service would deny nothing.
      refuse(
          path + ".toServices",
          "Palisade selects a Service's backends in allow rules only; in a deny, write"
              + " toEndpoints with the Service's selector (or toCIDRSet with its endpoints'"
              + " addresses)",
          out);
    }
    if (e.deny()) {
      Each.forEach(e.entities(), path + "." + p + "Entities", Unenforced::deniedEntity, out);
    }
    String mode = e.authentication() == null ? null : e.authentication().mode();
    if (mode != null && AUTHENTICATING.contains(mode)) {
      refuse(
          path + ".authentication",
          "Palisade does not enforce mutual authentication (mode " + Quote.of(mode) + ")",
          out);
    }
    Each.forEach(e.ports(), path + ".toPorts", (pr, at, o) -> portRule(pr, e, at, o), out);
  }

  private static void deniedEntity(String entity, String path, FieldErrors out) {
    // An unknown entity has its own error; a known one that selects less would leave a hole.
    if (Entities.selectors(entity).isPresent() && !Entities.placed(entity)) {
      refuse(
          path,
          Entities.placedByObjects(entity)
              ? "Palisade knows entity "
                  + Quote.of(entity)
                  + " only by the addresses Node and EndpointSlice objects list, which need not"
                  + " be every address its traffic comes from, so this deny could miss some of it"
              : "Palisade does not know the addresses of entity "
                  + Quote.of(entity)
                  + (entity.equalsIgnoreCase("cluster") ? " beyond its pods" : "")
                  + ", so this deny would not cover them",
          out);
    }
  }

  private static void portRule(PortRule pr, PeerElement e, String path, FieldErrors out) {
    if (pr.terminatingTLS() != null) {
      refuse(path + ".terminatingTLS", "Palisade does not terminate or originate TLS", out);
    }
    if (pr.originatingTLS() != null) {
      refuse(path + ".originatingTLS", "Palisade does not terminate or originate TLS", out);
    }
    if (pr.serverNames() != null) {
      refuse(path + ".serverNames", "Palisade does not match TLS server names (SNI)", out);
    }
    if (pr.listener() != null) {
      refuse(path + ".listener", "Palisade does not redirect to Envoy listeners", out);
    }
  }

  private static void refuse(String path, String reason, FieldErrors out) {
    out.add(path, PREFIX + reason + SUFFIX);
  }
}
