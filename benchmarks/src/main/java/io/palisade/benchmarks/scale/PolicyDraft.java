package io.palisade.benchmarks.scale;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.palisade.benchmarks.PolicyRules;
import io.palisade.crds.api.IngressRule;
import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRule;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.pipeline.model.PolicyRef;
import java.util.List;
import java.util.Map;

/**
 * What the harness keeps of one CiliumNetworkPolicy, so that it can write the next generation: the
 * deployment it selects and its ingress elements. {@link #toPolicy} writes the real object.
 */
record PolicyDraft(String namespace, String name, long generation, String app, List<From> ingress) {

  static final String KIND = HasMetadata.getKind(CiliumNetworkPolicy.class);

  /** One ingress element: the peers allowed and the ports they may reach (none: all ports). */
  record From(List<LabelSelector> peers, List<PortProtocol> ports) {
    From {
      peers = List.copyOf(peers);
      ports = List.copyOf(ports);
    }
  }

  PolicyDraft {
    ingress = List.copyOf(ingress);
  }

  PolicyRef ref() {
    return new PolicyRef(KIND, namespace, name);
  }

  /** The next generation, with {@code next} as its ingress. */
  PolicyDraft withIngress(List<From> next) {
    return new PolicyDraft(namespace, name, generation + 1, app, next);
  }

  CiliumNetworkPolicy toPolicy() {
    CiliumNetworkPolicy cnp = new CiliumNetworkPolicy();
    cnp.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace(namespace)
            .withName(name)
            .withGeneration(generation)
            .build());
    cnp.setSpec(
        PolicyRules.ingressOnly(
            new LabelSelector(Map.of("app", app), null),
            ingress.stream().map(PolicyDraft::rule).toList()));
    return cnp;
  }

  private static IngressRule rule(From f) {
    List<PortRule> toPorts =
        f.ports().isEmpty() ? null : List.of(new PortRule(f.ports(), null, null, null, null, null));
    return PolicyRules.fromEndpoints(f.peers(), toPorts);
  }
}
