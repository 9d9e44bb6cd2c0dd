package io.palisade.pipeline.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.palisade.policy.Protocol;
import io.palisade.policy.resolve.NamedPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodMappingTest {

  private static PodBuilder pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("deathstar")
        .withNamespace("empire")
        .addToLabels("class", "deathstar")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-a")
        .withServiceAccountName("vader")
        .addNewContainer()
        .withName("c")
        .addNewPort()
        .withName("HTTP")
        .withContainerPort(80)
        .endPort()
        .addNewPort()
        .withContainerPort(9090)
        .endPort()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP("10.42.0.10")
        .addNewPodIP("10.42.0.10")
        .addNewPodIP("fd00::10")
        .endStatus();
  }

  @Test
  void aRunningPodIsAWorkloadOnItsNodeWithEveryAddress() {
    var w = PodMapping.workload(pod().build()).orElseThrow();
    assertThat(w.id()).isEqualTo("empire/deathstar");
    assertThat(w.node()).contains("node-a");
    assertThat(w.addresses()).isEqualTo(List.of("10.42.0.10", "fd00::10"));
    assertThat(w.pod().serviceAccount()).contains("vader");
    assertThat(w.pod().ports()).containsExactly(new NamedPort("http", Protocol.TCP, 80));
  }

  @Test
  void onlyTheGrpcValueOfTheProxylessAnnotationMakesAPodEnforceItsOwnRules() {
    assertThat(PodMapping.workload(pod().build()).orElseThrow().proxylessGrpc()).isFalse();
    Pod grpc =
        pod()
            .editMetadata()
            .addToAnnotations("palisade.io/l7-proxyless", "grpc")
            .endMetadata()
            .build();
    assertThat(PodMapping.workload(grpc).orElseThrow().proxylessGrpc()).isTrue();
    Pod typo =
        pod()
            .editMetadata()
            .addToAnnotations("palisade.io/l7-proxyless", "gprc")
            .endMetadata()
            .build();
    assertThat(PodMapping.workload(typo).orElseThrow().proxylessGrpc()).isFalse();
  }

  @Test
  void finishedAndHostNetworkPodsAreNoEndpoints() {
    Pod done = pod().editStatus().withPhase("Succeeded").endStatus().build();
    Pod host = pod().editSpec().withHostNetwork(true).endSpec().build();
    assertThat(PodMapping.workload(done)).isEmpty();
    assertThat(PodMapping.workload(host)).isEmpty();
  }

  @Test
  void anUnscheduledPodHasNoNodeYet() {
    Pod pending = pod().editSpec().withNodeName(null).endSpec().withStatus(null).build();
    var w = PodMapping.workload(pending).orElseThrow();
    assertThat(w.node()).isEmpty();
    assertThat(w.addresses()).isEmpty();
  }
}
