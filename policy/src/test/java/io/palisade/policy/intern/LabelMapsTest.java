package io.palisade.policy.intern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Equal label maps come back as one instance, and share their strings. */
class LabelMapsTest {

  @Test
  void replicasLabelsAreOneMapWithOneStringPerValue() {
    Map<String, String> a = LabelMaps.shared(Map.of("app", new String("web-" + 1)));
    Map<String, String> b = LabelMaps.shared(Map.of("app", new String("web-" + 1)));
    assertThat(a).isSameAs(b).isEqualTo(Map.of("app", "web-1"));
    Map<String, String> other = LabelMaps.shared(Map.of("app", new String("web-" + 1), "x", "y"));
    assertThat(other.get("app")).isSameAs(a.get("app"));
  }
}
