package io.palisade.policy.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.api.LabelSelector;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Namespace and cluster injection, written as the selector strings Cilium would print. */
class PeerInjectionTest {

  @ParameterizedTest(name = "{0} in namespace \"{1}\" becomes {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "app=web | prod | [any:app=web, k8s:io.cilium.k8s.policy.cluster=default, k8s:io.kubernetes.pod.namespace=prod]",
        "app=web |      | [any:app=web, k8s:io.cilium.k8s.policy.cluster=default, k8s:io.kubernetes.pod.namespace]",
        "k8s:io.kubernetes.pod.namespace=other | prod | [k8s:io.cilium.k8s.policy.cluster=default, k8s:io.kubernetes.pod.namespace=other]",
        "io.cilium.k8s.namespace.labels.team=a | prod | [any:io.cilium.k8s.namespace.labels.team=a, k8s:io.cilium.k8s.policy.cluster=default]",
        "reserved:host= | prod | [reserved:host=]",
      })
  void peers(String label, String namespace, String expected) {
    String[] kv = label.split("=", 2);
    LabelSelector sel = new LabelSelector(Map.of(kv[0], kv[1]), null);
    assertThat(PeerInjection.peer(sel, namespace == null ? "" : namespace).toString())
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "app=web | [any:app=web, k8s:io.kubernetes.pod.namespace=prod]",
        "k8s:io.kubernetes.pod.namespace=other | [k8s:io.kubernetes.pod.namespace=prod]",
      })
  void cnpSubjectsStayInTheirNamespace(String label, String expected) {
    String[] kv = label.split("=", 2);
    LabelSelector sel = new LabelSelector(Map.of(kv[0], kv[1]), null);
    assertThat(PeerInjection.subject(sel, "prod").toString()).isEqualTo(expected);
  }
}
