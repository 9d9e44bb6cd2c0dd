package io.palisade.policy.validate;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Netip;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.selector.Requirement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the meaning of a Kubernetes NetworkPolicy as the API server would, reporting every problem
 * at once as a field path and a message quoting the offending value; its shape, metadata and API
 * version are {@link DocumentValidator}'s. It never throws.
 */
public final class KubernetesPolicyValidator {

  private static final String PROTOCOLS = "(TCP, UDP, SCTP)";
  private static final String OPERATORS = "(In, NotIn, Exists, DoesNotExist)";
  private static final String PORT_RANGE = "is not a port number (1-65535)";

  private final List<FieldError> errors = new ArrayList<>();

  private KubernetesPolicyValidator() {}

  /** Every problem of {@code policy}; empty when the API server would accept it. */
  public static List<FieldError> validate(NetworkPolicy policy) {
    KubernetesPolicyValidator v = new KubernetesPolicyValidator();
    if (policy == null) {
      v.error("", "no NetworkPolicy given");
      return List.copyOf(v.errors);
    }
    if (policy.getSpec() != null) {
      v.spec(policy.getSpec());
    }
    return List.copyOf(v.errors);
  }

  private void spec(NetworkPolicySpec spec) {
    selector(spec.getPodSelector(), "spec.podSelector");
    policyTypes(nullToEmpty(spec.getPolicyTypes()));
    List<NetworkPolicyIngressRule> ingress = nullToEmpty(spec.getIngress());
    for (int i = 0; i < ingress.size(); i++) {
      NetworkPolicyIngressRule r = ingress.get(i);
      if (r != null) {
        String path = "spec.ingress[" + i + "]";
        peers(r.getFrom(), path + ".from");
        ports(r.getPorts(), path + ".ports");
      }
    }
    List<NetworkPolicyEgressRule> egress = nullToEmpty(spec.getEgress());
    for (int i = 0; i < egress.size(); i++) {
      NetworkPolicyEgressRule r = egress.get(i);
      if (r != null) {
        String path = "spec.egress[" + i + "]";
        peers(r.getTo(), path + ".to");
        ports(r.getPorts(), path + ".ports");
      }
    }
  }

  private void policyTypes(List<String> types) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < types.size(); i++) {
      String t = types.get(i);
      String path = "spec.policyTypes[" + i + "]";
      if (!"Ingress".equals(t) && !"Egress".equals(t)) {
        error(path, quote(t) + " is not a policy type (Ingress, Egress)");
      } else if (!seen.add(t)) {
        error(path, quote(t) + " is listed more than once");
      }
    }
  }

  private void peers(List<NetworkPolicyPeer> peers, String path) {
    List<NetworkPolicyPeer> list = nullToEmpty(peers);
    for (int i = 0; i < list.size(); i++) {
      NetworkPolicyPeer p = list.get(i);
      String at = path + "[" + i + "]";
      boolean selectors =
          p != null && (p.getPodSelector() != null || p.getNamespaceSelector() != null);
      if (p == null || (!selectors && p.getIpBlock() == null)) {
        error(at, "must name a podSelector, namespaceSelector or ipBlock");
        continue;
      }
      if (selectors && p.getIpBlock() != null) {
        error(at, "ipBlock cannot be combined with podSelector or namespaceSelector");
      }
      selector(p.getPodSelector(), at + ".podSelector");
      selector(p.getNamespaceSelector(), at + ".namespaceSelector");
      if (p.getIpBlock() != null) {
        ipBlock(p.getIpBlock(), at + ".ipBlock");
      }
    }
  }

  private void ipBlock(IPBlock block, String path) {
    Optional<CidrPrefix> cidr = cidr(block.getCidr(), path + ".cidr");
    List<String> except = nullToEmpty(block.getExcept());
    for (int i = 0; i < except.size(); i++) {
      String at = path + ".except[" + i + "]";
      Optional<CidrPrefix> e = cidr(except.get(i), at);
      if (e.isPresent() && cidr.isPresent()) {
        boolean strictlyInside = cidr.get().contains(e.get()) && !cidr.get().equals(e.get());
        if (!strictlyInside) {
          error(
              at,
              quote(except.get(i))
                  + " is not strictly inside cidr "
                  + quote(block.getCidr().trim()));
        }
      }
    }
  }

  private Optional<CidrPrefix> cidr(String text, String path) {
    if (text == null || text.isBlank()) {
      error(path, "must be given");
      return Optional.empty();
    }
    if (!text.contains("/")) {
      error(path, quote(text) + " is not a CIDR: no '/'");
      return Optional.empty();
    }
    try {
      return Optional.of(CidrPrefix.read(text));
    } catch (Netip.SyntaxException e) {
      error(path, quote(text) + " is not a CIDR: " + e.getMessage());
      return Optional.empty();
    }
  }

  private void ports(List<NetworkPolicyPort> ports, String path) {
    List<NetworkPolicyPort> list = nullToEmpty(ports);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) != null) {
        port(list.get(i), path + "[" + i + "]");
      }
    }
  }

  private void port(NetworkPolicyPort p, String path) {
    String proto = p.getProtocol();
    if (proto != null && !List.of("TCP", "UDP", "SCTP").contains(proto)) {
      error(path + ".protocol", quote(proto) + " is not a supported protocol " + PROTOCOLS);
    }
    IntOrString port = p.getPort();
    Integer number = port == null ? null : port.getIntVal();
    String name = port == null || number != null ? null : port.getStrVal();
    if (number != null && (number < 1 || number > 65535)) {
      error(path + ".port", quote(number) + " " + PORT_RANGE);
    } else if (name != null && name.matches("[0-9]+")) {
      error(path + ".port", quote(name) + " is a number written as a string; write it unquoted");
    } else if (name != null && !KubernetesNames.isPortName(name)) {
      error(
          path + ".port",
          quote(name) + " is not a valid port name (" + KubernetesNames.PORT_NAME_RULE + ")");
    }
    Integer end = p.getEndPort();
    if (end == null) {
      return;
    }
    String at = path + ".endPort";
    if (name != null) {
      error(at, quote(end) + " cannot be used with named port " + quote(name));
    } else if (number == null) {
      error(at, quote(end) + " needs a numeric port");
    } else if (end < 1 || end > 65535) {
      error(at, quote(end) + " " + PORT_RANGE);
    } else if (end < number) {
      error(at, quote(end) + " is less than port " + quote(number));
    }
  }

  private void selector(LabelSelector selector, String path) {
    if (selector == null) {
      return;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        labelKey(e.getKey(), path + ".matchLabels");
        labelValue(e.getValue(), path + ".matchLabels[" + e.getKey() + "]");
      }
    }
    List<LabelSelectorRequirement> exprs = nullToEmpty(selector.getMatchExpressions());
    for (int i = 0; i < exprs.size(); i++) {
      expression(exprs.get(i), path + ".matchExpressions[" + i + "]");
    }
  }

  private void expression(LabelSelectorRequirement r, String path) {
    if (r == null) {
      error(path + ".key", "must be given");
      return;
    }
    labelKey(r.getKey(), path + ".key");
    List<String> values = nullToEmpty(r.getValues());
    Optional<Requirement.Operator> op = Requirement.Operator.ofName(r.getOperator());
    if (r.getOperator() == null) {
      error(path + ".operator", "must be given " + OPERATORS);
    } else if (op.isEmpty()) {
      error(
          path + ".operator", quote(r.getOperator()) + " is not a selector operator " + OPERATORS);
    } else if (op.get() == Requirement.Operator.IN || op.get() == Requirement.Operator.NOT_IN) {
      if (values.isEmpty()) {
        error(path + ".values", "operator " + quote(r.getOperator()) + " needs at least one value");
      }
    } else if (!values.isEmpty()) {
      error(
          path + ".values",
          "operator " + quote(r.getOperator()) + " takes no values, got " + quoteAll(values));
    }
    for (int i = 0; i < values.size(); i++) {
      labelValue(values.get(i), path + ".values[" + i + "]");
    }
  }

  private void labelKey(String key, String path) {
    if (key == null || key.isEmpty()) {
      error(path, "a label key must not be empty");
    } else if (!KubernetesNames.isLabelKey(key)) {
      error(
          path, quote(key) + " is not a valid label key (" + KubernetesNames.LABEL_KEY_RULE + ")");
    }
  }

  private void labelValue(String value, String path) {
    if (value != null && !KubernetesNames.isLabelValue(value)) {
      error(
          path,
          quote(value) + " is not a valid label value (" + KubernetesNames.LABEL_VALUE_RULE + ")");
    }
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private void error(String path, String message) {
    errors.add(new FieldError(path, message));
  }

  private static String quote(Object value) {
    return "\"" + value + "\"";
  }

  private static String quoteAll(List<String> values) {
    return values.stream().map(KubernetesPolicyValidator::quote).toList().toString();
  }
}
