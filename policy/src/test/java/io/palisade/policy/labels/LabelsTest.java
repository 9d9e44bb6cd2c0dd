package io.palisade.policy.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Lookups by key over the sorted array find every source of a key and nothing else. */
class LabelsTest {

  private static final Labels LABELS =
      Labels.of(
          Label.k8s("tier", "web"),
          new Label("container", "app", "x"),
          Label.k8s("app", "web-1"),
          Label.k8s("zone", "a"),
          Label.reserved("host"));

  @Test
  void theLabelsOfAKeyAreFoundAcrossSources() {
    assertThat(LABELS.withKey("app"))
        .containsExactly(new Label("container", "app", "x"), Label.k8s("app", "web-1"));
    assertThat(LABELS.withKey("absent")).isEmpty();
    assertThat(LABELS.withKey("zone")).containsExactly(Label.k8s("zone", "a"));
  }

  @Test
  void selectorLookupsMatchSourceKeyAndValue() {
    assertThat(LABELS.hasKey(new Label(Label.ANY, "app", ""))).isTrue();
    assertThat(LABELS.hasKey(new Label(Label.K8S, "host", ""))).isFalse();
    assertThat(LABELS.hasKey(Label.reserved("host"))).isTrue();
    assertThat(LABELS.hasValueIn(new Label(Label.K8S, "app", ""), List.of("x"))).isFalse();
    assertThat(LABELS.hasValueIn(new Label(Label.ANY, "app", ""), List.of("x"))).isTrue();
    assertThat(LABELS.contains(Label.k8s("tier", "web"))).isTrue();
    assertThat(LABELS.contains(Label.k8s("tier", "api"))).isFalse();
  }

  @Test
  void setsAreSortedAndEqualByContent() {
    assertThat(LABELS.asList()).isSorted();
    assertThat(LABELS.size()).isEqualTo(5);
    assertThat(Labels.of(LABELS.asList())).isEqualTo(LABELS);
    assertThat(Labels.EMPTY.isEmpty()).isTrue();
    assertThat(Labels.EMPTY.withKey("app")).isEmpty();
  }
}
