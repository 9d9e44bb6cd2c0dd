package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Only the difference is written: changed and new keys, and the keys no longer wanted. */
class MapDiffTest {

  @Test
  void equalContentsNeedNoWrites() {
    assertThat(MapDiff.between(Map.of("a", 1, "b", 2), Map.of("b", 2, "a", 1)).isEmpty()).isTrue();
  }

  @Test
  void changedNewAndGoneKeys() {
    MapDiff<String, Integer> d =
        MapDiff.between(Map.of("a", 1, "b", 2, "c", 3), Map.of("a", 1, "b", 20, "d", 4));
    assertThat(d.upserts()).isEqualTo(Map.of("b", 20, "d", 4));
    assertThat(d.deletes()).isEqualTo(Set.of("c"));
    assertThat(d.size()).isEqualTo(3);
  }
}
