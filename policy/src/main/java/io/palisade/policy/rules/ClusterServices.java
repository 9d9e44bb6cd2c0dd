package io.palisade.policy.rules;

import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.Service;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import io.palisade.policy.selector.CidrSelector;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.LabelSelectorMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Services known to a policy set, for {@code toServices}. As in Cilium ({@code
 * pkg/policy/k8s/service.go}), a Service with a selector stands for the pods it selects in its
 * namespace, and one without stands for the addresses of its backends, each a host prefix. A
 * Service that is not known selects nothing.
 */
public final class ClusterServices {

  private record Known(
      String namespace, Labels labels, Map<String, String> selector, List<CidrPrefix> backends) {}

  private final Map<String, Known> services = new TreeMap<>();

  public static ClusterServices none() {
    return new ClusterServices();
  }

  /**
   * Records a Service: its own labels, its pod selector (empty for a Service without one) and the
   * addresses of its backends, which only a Service without selector uses.
   */
  public void put(
      String namespace,
      String name,
      Map<String, String> labels,
      Map<String, String> selector,
      List<String> backends) {
    List<Label> l = new ArrayList<>();
    labels.forEach((k, v) -> l.add(Label.k8s(k, v)));
    List<CidrPrefix> hosts = new ArrayList<>();
    for (String b : backends) {
      CidrPrefix.parseAddress(b).map(CidrPrefix::host).ifPresent(hosts::add);
    }
    services.put(
        namespace + "/" + name,
        new Known(namespace, Labels.of(l), Map.copyOf(selector), List.copyOf(hosts)));
  }

  /** The peers of one {@code toServices} entry: those of every Service it matches. */
  public List<IdentitySelector> peers(Service entry) {
    List<IdentitySelector> out = new ArrayList<>();
    services.forEach(
        (id, s) -> {
          if (matches(entry, id, s)) {
            out.addAll(peers(s));
          }
        });
    return out;
  }

  private static boolean matches(Service entry, String id, Known s) {
    if (entry.k8sService() != null) {
      Service.ServiceName n = entry.k8sService();
      return inNamespace(n.namespace(), s) && id.equals(s.namespace() + "/" + n.serviceName());
    }
    if (entry.k8sServiceSelector() != null) {
      Service.ServiceSelector sel = entry.k8sServiceSelector();
      return inNamespace(sel.namespace(), s)
          && sel.selector() != null
          && LabelSelectorMatcher.compile(sel.selector()).matches(s.labels());
    }
    return false;
  }

  /** An empty namespace matches every namespace. */
  private static boolean inNamespace(String namespace, Known s) {
    return namespace == null || namespace.isEmpty() || namespace.equals(s.namespace());
  }

  private static List<IdentitySelector> peers(Known s) {
    if (s.selector().isEmpty()) {
      return s.backends().stream()
          .<IdentitySelector>map(p -> new CidrSelector(p, List.of()))
          .toList();
    }
    Map<String, String> match = new LinkedHashMap<>();
    new TreeMap<>(s.selector()).forEach((k, v) -> match.put(Label.K8S + ":" + k, v));
    match.put(Label.K8S + ":" + ClusterLabels.NAMESPACE, s.namespace());
    return List.of(PeerInjection.peer(new LabelSelector(match, null), s.namespace()));
  }
}
