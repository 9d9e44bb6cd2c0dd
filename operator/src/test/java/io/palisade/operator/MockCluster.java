package io.palisade.operator;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.io.InputStream;

/** Helpers for tests on the fabric8 mock API server in CRUD mode. */
public final class MockCluster {

  private MockCluster() {}

  /**
   * Registers the CRDs the crds module generates (Cilium's and PolicySource), so the mock serves
   * their semantics, such as the status subresource.
   */
  public static void installCrds(KubernetesClient client) {
    for (String name :
        new String[] {
          "ciliumidentities.cilium.io",
          "ciliumnetworkpolicies.cilium.io",
          "ciliumclusterwidenetworkpolicies.cilium.io",
          "ciliumcidrgroups.cilium.io",
          "policysources.palisade.io"
        }) {
      String resource = "META-INF/fabric8/" + name + "-v1.yml";
      try (InputStream in = MockCluster.class.getClassLoader().getResourceAsStream(resource)) {
        CustomResourceDefinition crd =
            client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      } catch (java.io.IOException e) {
        throw new IllegalStateException(resource, e);
      }
    }
  }

  /**
   * A plain JOSDK operator on the mock: JSON patches for status (the mock has no server-side
   * apply), and the test's client left open on stop.
   */
  public static Operator operator(KubernetesClient client) {
    return new Operator(
        o ->
            o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false));
  }
}
