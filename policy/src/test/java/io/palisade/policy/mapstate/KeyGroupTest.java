package io.palisade.policy.mapstate;

import static io.palisade.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.Protocol;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A group keeps its first entry in fields and the rest in an array; both behave as one list. */
class KeyGroupTest {

  private static MapStateKey port(int port) {
    return MapStateKey.port(INGRESS, 100, Protocol.TCP, port);
  }

  private static List<MapStateKey> keys(KeyGroup g) {
    List<MapStateKey> out = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      out.add(g.key(i));
    }
    return out;
  }

  @Test
  void removingTheFirstEntryMovesTheNextIntoItsPlaceAndKeepsTheOrder() {
    KeyGroup g = new KeyGroup(port(1), MapStateEntry.ALLOW);
    g.add(port(2), MapStateEntry.DENY);
    g.add(port(3), MapStateEntry.ALLOW);
    g.add(port(4), MapStateEntry.ALLOW);
    g.add(port(5), MapStateEntry.DENY);

    g.remove(0);
    assertThat(keys(g)).containsExactly(port(2), port(3), port(4), port(5));
    assertThat(g.entry(0)).isEqualTo(MapStateEntry.DENY);
    g.remove(2);
    assertThat(keys(g)).containsExactly(port(2), port(3), port(5));
    assertThat(g.indexOf(port(5))).isEqualTo(2);
    assertThat(g.entry(2)).isEqualTo(MapStateEntry.DENY);
    assertThat(g.indexOf(port(4))).isEqualTo(-1);
  }

  @Test
  void aGroupEmptiedTakesNewEntriesAgain() {
    KeyGroup g = new KeyGroup(port(1), MapStateEntry.ALLOW);
    g.add(port(2), MapStateEntry.ALLOW);
    g.remove(1);
    g.remove(0);
    assertThat(g.size()).isZero();

    g.add(port(7), MapStateEntry.DENY);
    g.add(port(8), MapStateEntry.ALLOW);
    g.set(0, MapStateEntry.ALLOW);
    assertThat(keys(g)).containsExactly(port(7), port(8));
    assertThat(g.entry(0)).isEqualTo(MapStateEntry.ALLOW);
  }

  @Test
  void groupsOfTwoMapStatesHoldOneSharedShapeOfEachKey() {
    MapState a = new MapState();
    MapState b = new MapState();
    for (MapState ms : List.of(a, b)) {
      ms.insert(port(80), MapStateEntry.ALLOW);
      ms.insert(port(443), MapStateEntry.DENY);
    }
    b.insert(port(80).withIdentity(200), MapStateEntry.ALLOW);
    KeyGroup inA = (KeyGroup) a.slot(INGRESS, 100);
    KeyGroup inB = (KeyGroup) b.slot(INGRESS, 100);
    assertThat(inA.key(0)).isSameAs(inB.key(0)).isEqualTo(port(80).withIdentity(0));
    assertThat(inA.key(1)).isSameAs(inB.key(1)).isEqualTo(port(443).withIdentity(0));
    assertThat(b.slot(INGRESS, 200)).isSameAs(inA.key(0));
    assertThat(a.entries())
        .containsOnlyKeys(port(80), port(443))
        .containsEntry(port(443), MapStateEntry.DENY);
  }

  @Test
  void aGroupOfOnePlainAllowReadsBackAsItsKey() {
    MapState ms = new MapState();
    ms.insert(port(80), MapStateEntry.ALLOW);
    ms.insert(port(8080).withIdentity(MapStateKey.ANY_IDENTITY), MapStateEntry.ALLOW);
    assertThat(ms.entries())
        .containsOnlyKeys(port(80), port(8080).withIdentity(MapStateKey.ANY_IDENTITY));
    assertThat(ms.lookup(port(80).direction(), port(80).identity(), 6, 80))
        .get()
        .extracting(MapStateMatch::key)
        .isEqualTo(port(80));
  }

  @Test
  void insertingByShapeEqualsInsertingTheKey() {
    MapState byKey = new MapState();
    MapState byShape = new MapState();
    List<MapStateKey> keys = List.of(port(80), port(443), port(80).withIdentity(200));
    List<MapStateEntry> entries =
        List.of(MapStateEntry.ALLOW, MapStateEntry.DENY, MapStateEntry.ALLOW);
    for (int i = 0; i < keys.size(); i++) {
      byKey.insert(keys.get(i), entries.get(i));
      byShape.insert(keys.get(i).identity(), MapState.shapeOf(keys.get(i)), entries.get(i));
    }
    assertThat(byShape).isEqualTo(byKey);
    assertThat(byShape.entries()).hasSize(3).containsEntry(port(443), MapStateEntry.DENY);
    assertThat(MapState.shapeOf(port(80))).isSameAs(MapState.shapeOf(port(80).withIdentity(7)));
  }
}
