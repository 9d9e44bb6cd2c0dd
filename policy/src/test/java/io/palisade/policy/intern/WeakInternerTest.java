package io.palisade.policy.intern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Equal values come back as one instance; label maps share their strings too. */
class WeakInternerTest {

  @Test
  void equalValuesAreOneInstanceAndOthersStayApart() {
    WeakInterner<List<String>> interner = new WeakInterner<>();
    List<String> first = List.of("a", "b");
    assertThat(interner.intern(first)).isSameAs(first);
    assertThat(interner.intern(List.of("a", "b"))).isSameAs(first);
    assertThat(interner.intern(List.of("b", "a"))).isNotSameAs(first).isEqualTo(List.of("b", "a"));
    assertThat(interner.size()).isEqualTo(2);
  }

  @Test
  void replicasLabelsAreOneMapWithOneStringPerValue() {
    Map<String, String> a = LabelMaps.shared(Map.of("app", new String("web-" + 1)));
    Map<String, String> b = LabelMaps.shared(Map.of("app", new String("web-" + 1)));
    assertThat(a).isSameAs(b).isEqualTo(Map.of("app", "web-1"));
    Map<String, String> other = LabelMaps.shared(Map.of("app", new String("web-" + 1), "x", "y"));
    assertThat(other.get("app")).isSameAs(a.get("app"));
  }
}
