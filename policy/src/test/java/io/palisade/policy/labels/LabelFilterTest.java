package io.palisade.policy.labels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelFilterTest {

  @ParameterizedTest
  @CsvSource({
    "app, true",
    "io.kubernetes.pod.namespace, true",
    "io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name, true",
    "app.kubernetes.io/name, true",
    "io.cilium.k8s.policy.serviceaccount, true",
    "pod-template-hash, false",
    "controller-revision-hash, false",
    "io.kubernetes.container.name, false",
    "kubernetes.io/hostname, false",
    "statefulset.kubernetes.io/pod-name, false",
    "topology.kubernetes.io/zone, false",
    "failure-domain.beta.kubernetes.io/zone, false",
  })
  void keepsOnlySecurityRelevantLabels(String key, boolean kept) {
    assertThat(LabelFilter.defaults().keeps(Label.k8s(key, "v"))).isEqualTo(kept);
  }
}
