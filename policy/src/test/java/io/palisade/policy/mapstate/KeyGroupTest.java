package io.palisade.policy.mapstate;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.Direction;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A group keeps insertion order through puts, replacements and removals while iterating. */
class KeyGroupTest {

  private static MapStateKey port(int port) {
    return new MapStateKey(Direction.INGRESS, 7, 6, port, 16);
  }

  @Test
  void behavesAsAnInsertionOrderedMap() {
    KeyGroup g = new KeyGroup();
    for (int p = 1; p <= 5; p++) {
      assertThat(g.put(port(p), MapStateEntry.ALLOW)).isNull();
    }
    assertThat(g.put(port(3), MapStateEntry.DENY)).isEqualTo(MapStateEntry.ALLOW);
    assertThat(g.remove(port(1))).isEqualTo(MapStateEntry.ALLOW);
    assertThat(g.remove(port(9))).isNull();

    Iterator<Map.Entry<MapStateKey, MapStateEntry>> it = g.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getKey().port() % 2 == 0) {
        it.remove();
      }
    }

    assertThat(g.keySet()).containsExactly(port(3), port(5));
    assertThat(g.get(port(3))).isEqualTo(MapStateEntry.DENY);
    assertThat(g).isEqualTo(Map.of(port(3), MapStateEntry.DENY, port(5), MapStateEntry.ALLOW));
    assertThat(g.containsKey(port(2))).isFalse();
  }
}
