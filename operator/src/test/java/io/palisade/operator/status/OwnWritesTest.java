package io.palisade.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

/** Conditional writes against the mock API server, and what a reconciler remembers of them. */
@EnableKubernetesMockClient(crud = true)
class OwnWritesTest {

  KubernetesClient client;

  private final OwnWrites writes = new OwnWrites();

  private ConfigMap create() {
    return client
        .configMaps()
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cm")
                .withNamespace("default")
                .endMetadata()
                .addToData("n", "0")
                .build())
        .create();
  }

  /** A patch conditional on the copy's resourceVersion, as the reconcilers write. */
  private Runnable setTo(ConfigMap copy, String n) {
    return () ->
        client
            .resource(copy)
            .patch(
                PatchContext.of(PatchType.JSON),
                ConditionalPatch.over(copy).set("/data/n", TextNode.valueOf(n)).toString());
  }

  private ConfigMap current() {
    return client.configMaps().inNamespace("default").withName("cm").get();
  }

  @Test
  void aWriteOverTheCurrentVersionLandsAndThatVersionIsThenStale() {
    ConfigMap copy = create();

    assertThat(writes.replacedAlready(copy)).isFalse();
    assertThat(writes.write(copy, setTo(copy, "1"))).isTrue();

    assertThat(current().getData()).containsEntry("n", "1");
    assertThat(writes.replacedAlready(copy)).as("the copy the write replaced").isTrue();
    ConfigMap newer = current();
    assertThat(writes.replacedAlready(newer)).isFalse();
    // A late copy of the replaced version is still told apart once the newer one was seen.
    assertThat(writes.replacedAlready(copy)).isTrue();
    writes.forget(copy);
    assertThat(writes.replacedAlready(copy)).isFalse();
  }

  @Test
  void aWriteOverAnOlderVersionIsRefusedAndChangesNothing() {
    ConfigMap old = create();
    ConfigMap now =
        client.resource(current()).edit(c -> new ConfigMapBuilder(c).addToData("n", "2").build());

    assertThat(writes.write(old, setTo(old, "1"))).isFalse();

    assertThat(current().getData()).containsEntry("n", "2");
    assertThat(current().getMetadata().getResourceVersion())
        .isEqualTo(now.getMetadata().getResourceVersion());
    assertThat(writes.replacedAlready(old)).as("nothing was replaced").isFalse();
  }

  @Test
  void otherRefusalsAreTheCallersToHandle() {
    ConfigMap copy = create();
    client.resource(copy).delete();

    assertThatThrownBy(() -> writes.write(copy, setTo(copy, "1")))
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
    assertThat(writes.replacedAlready(copy)).isFalse();
  }
}
