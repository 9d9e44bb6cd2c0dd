package io.palisade.policy.validate;

import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.Rule;
import io.palisade.crds.api.Service;
import io.palisade.policy.rules.Entities;
import io.palisade.policy.rules.PeerElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates one Cilium rule ({@code spec} or an element of {@code specs}), following Cilium's
 * {@code Rule.Sanitize()}: every problem is reported at its field path, none stops the others.
 */
public final class RuleValidator {

  private static final Set<String> AUTH_MODES = Set.of("disabled", "required", "test-always-fail");
  private static final int MAX_LOG_VALUE = 32;

  private final boolean clusterwide;

  /** {@code clusterwide} for a CCNP, whose rules may select nodes. */
  public RuleValidator(boolean clusterwide) {
    this.clusterwide = clusterwide;
  }

  public void validate(Rule rule, String path, FieldErrors out) {
    if (rule == null) {
      out.add(path, "must not be null");
      return;
    }
    subject(rule, path, out);
    Unenforced.subject(rule, path, clusterwide, out);
    if (!Each.nonEmpty(rule.ingress())
        && !Each.nonEmpty(rule.ingressDeny())
        && !Each.nonEmpty(rule.egress())
        && !Each.nonEmpty(rule.egressDeny())) {
      out.add(path, "rule must have at least one of ingress, ingressDeny, egress, egressDeny");
    }
    Each.forEach(
        rule.ingress(), path + ".ingress", (r, p, o) -> element(PeerElement.of(r), p, o), out);
    Each.forEach(
        rule.ingressDeny(),
        path + ".ingressDeny",
        (r, p, o) -> element(PeerElement.of(r), p, o),
        out);
    Each.forEach(
        rule.egress(), path + ".egress", (r, p, o) -> element(PeerElement.of(r), p, o), out);
    Each.forEach(
        rule.egressDeny(),
        path + ".egressDeny",
        (r, p, o) -> element(PeerElement.of(r), p, o),
        out);
    Each.forEach(
        rule.labels(),
        path + ".labels",
        (l, p, o) -> {
          if (l.key() == null || l.key().isEmpty()) {
            o.add(p + ".key", "must be set");
          }
        },
        out);
    if (rule.log() != null && rule.log().value() != null) {
      String v = rule.log().value();
      if (v.length() > MAX_LOG_VALUE || !v.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f)) {
        out.add(path + ".log.value", Quote.of(v) + " must be at most 32 printable characters");
      }
    }
  }

  private void subject(Rule rule, String path, FieldErrors out) {
    LabelSelector endpoints = rule.endpointSelector();
    LabelSelector nodes = rule.nodeSelector();
    if (endpoints == null && nodes == null) {
      out.add(path, "rule must have one of endpointSelector or nodeSelector");
    } else if (endpoints != null && nodes != null) {
      out.add(path, "rule cannot have both endpointSelector and nodeSelector");
    }
    if (nodes != null && !clusterwide) {
      out.add(
          path + ".nodeSelector",
          "only a CiliumClusterwideNetworkPolicy may select nodes; use endpointSelector here");
    }
    SelectorValidator.validate(endpoints, path + ".endpointSelector", out);
    SelectorValidator.validate(nodes, path + ".nodeSelector", out);
  }

  private void element(PeerElement e, String path, FieldErrors out) {
    String p = e.prefix();
    if (Each.nonEmpty(e.requires())) {
      out.add(
          path + "." + p + "Requires",
          p
              + "Requires was removed in Cilium 1.19; require the labels in every "
              + p
              + "Endpoints selector instead");
    }
    List<String> given = new ArrayList<>();
    for (Map.Entry<String, List<?>> l3 : e.l3().entrySet()) {
      if (Each.nonEmpty(l3.getValue())) {
        given.add(l3.getKey());
      }
    }
    if (given.size() > 1) {
      out.add(
          path,
          "combining "
              + given.get(0)
              + " and "
              + given.get(1)
              + " is not supported yet; use one"
              + " element for each");
    }
    Each.forEach(e.endpoints(), path + "." + p + "Endpoints", SelectorValidator::validate, out);
    Each.forEach(e.nodes(), path + "." + p + "Nodes", SelectorValidator::validate, out);
    CidrValidator.cidrs(e.cidr(), path + "." + p + "CIDR", out);
    CidrValidator.cidrSets(e.cidrSet(), path + "." + p + "CIDRSet", out);
    Each.forEach(
        e.entities(),
        path + "." + p + "Entities",
        (entity, at, o) -> {
          if (Entities.selectors(entity).isEmpty()) {
            o.add(at, "unsupported entity " + Quote.of(entity));
          }
        },
        out);
    Each.forEach(e.services(), path + ".toServices", RuleValidator::service, out);
    Each.forEach(e.fqdns(), path + ".toFQDNs", (s, at, o) -> L7Validator.fqdn(s, at, true, o), out);
    ports(e, path, out);
    Unenforced.element(e, path, out);
    if (e.authentication() != null
        && (e.authentication().mode() == null || !AUTH_MODES.contains(e.authentication().mode()))) {
      out.add(
          path + ".authentication.mode",
          Quote.of(e.authentication().mode())
              + " is not a mode (disabled, required, test-always-fail)");
    }
  }

  private static void ports(PeerElement e, String path, FieldErrors out) {
    Each.forEach(
        e.ports(),
        path + ".toPorts",
        (pr, at, o) -> PortValidator.portRule(pr, e.direction(), at, o),
        out);
    if (e.denyPorts() != null) {
      for (int i = 0; i < e.denyPorts().size(); i++) {
        List<PortProtocol> ports = e.denyPorts().get(i);
        for (int j = 0; j < ports.size(); j++) {
          PortValidator.port(ports.get(j), path + ".toPorts[" + i + "].ports[" + j + "]", out);
        }
      }
    }
    PortValidator.icmps(e.icmps(), path + ".icmps", out);
    if (Each.nonEmpty(e.icmps()) && e.hasPorts()) {
      out.add(
          path + ".icmps",
          "may only be present without toPorts; define a separate rule to use toPorts");
    }
  }

  private static void service(Service s, String path, FieldErrors out) {
    if ((s.k8sService() == null) == (s.k8sServiceSelector() == null)) {
      out.add(path, "exactly one of k8sService or k8sServiceSelector is required");
    }
    if (s.k8sService() != null
        && (s.k8sService().serviceName() == null || s.k8sService().serviceName().isEmpty())) {
      out.add(path + ".k8sService.serviceName", "must be set");
    }
    if (s.k8sServiceSelector() != null) {
      if (s.k8sServiceSelector().selector() == null) {
        out.add(path + ".k8sServiceSelector.selector", "must be set");
      }
      SelectorValidator.validate(
          s.k8sServiceSelector().selector(), path + ".k8sServiceSelector.selector", out);
    }
  }
}
