package io.palisade.policy.mapstate;

import static io.palisade.policy.Direction.EGRESS;
import static io.palisade.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.policy.Protocol;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A snapshot of a MapState's entries shares its storage and keeps the entries it was taken with,
 * whatever the MapState does afterwards.
 */
class MapStateSnapshotTest {

  private static final MapStateKey WEB_80 = MapStateKey.port(INGRESS, 300, Protocol.TCP, 80);
  private static final MapStateKey WEB_443 = MapStateKey.port(INGRESS, 300, Protocol.TCP, 443);
  private static final MapStateKey DB = MapStateKey.port(EGRESS, 400, Protocol.TCP, 5432);
  private static final MapStateKey API = MapStateKey.allPorts(INGRESS, 500);

  private static MapState state() {
    MapState ms = new MapState();
    ms.insert(WEB_80, MapStateEntry.ALLOW);
    ms.insert(WEB_443, MapStateEntry.ALLOW);
    ms.insert(DB, MapStateEntry.DENY);
    return ms;
  }

  @Test
  void aSnapshotHoldsTheEntriesAsAPlainMapWould() {
    MapState ms = state();
    Map<MapStateKey, MapStateEntry> snapshot = ms.snapshotEntries();
    assertThat(snapshot).isEqualTo(ms.entries()).hasSize(3);
    assertThat(new HashMap<>(ms.entries())).isEqualTo(snapshot);
    assertThat(snapshot.hashCode()).isEqualTo(ms.entries().hashCode());
    assertThat(snapshot.get(DB)).isEqualTo(MapStateEntry.DENY);
    assertThat(snapshot.get(API)).isNull();
    assertThat(snapshot.containsKey(WEB_443)).isTrue();
  }

  @Test
  void writesAfterASnapshotLeaveItAsItWas() {
    MapState ms = state();
    Map<MapStateKey, MapStateEntry> before = Map.copyOf(ms.entries());
    Map<MapStateKey, MapStateEntry> snapshot = ms.snapshotEntries();

    ms.insert(MapStateKey.allPorts(INGRESS, 300), MapStateEntry.DENY); // changes a shared group
    ms.insert(API, MapStateEntry.ALLOW); // a new group
    ms.removeIdentity(EGRESS, 400);
    MapState source = new MapState();
    source.insert(MapStateKey.port(INGRESS, 500, Protocol.UDP, 53), MapStateEntry.ALLOW);
    ms.moveGroup(INGRESS, 500, source);

    assertThat(snapshot).isEqualTo(before);
    assertThat(ms.entries())
        .isEqualTo(
            Map.of(
                MapStateKey.allPorts(INGRESS, 300),
                MapStateEntry.DENY,
                MapStateKey.port(INGRESS, 500, Protocol.UDP, 53),
                MapStateEntry.ALLOW));
  }

  @Test
  void eachSnapshotKeepsItsOwnMoment() {
    MapState ms = state();
    Map<MapStateKey, MapStateEntry> first = ms.snapshotEntries();
    ms.insert(API, MapStateEntry.ALLOW);
    Map<MapStateKey, MapStateEntry> second = ms.snapshotEntries();
    ms.removeIdentity(INGRESS, 300);

    assertThat(first).hasSize(3).doesNotContainKey(API);
    assertThat(second).hasSize(4).containsEntry(API, MapStateEntry.ALLOW);
    assertThat(ms.entries()).hasSize(2);
  }

  @Test
  void aGroupMovedOutOfASnapshottedStateIsCopiedBeforeItChanges() {
    MapState source = state();
    Map<MapStateKey, MapStateEntry> snapshot = source.snapshotEntries();
    MapState target = new MapState();
    target.moveGroup(INGRESS, 300, source);
    target.insert(MapStateKey.port(INGRESS, 300, Protocol.TCP, 8080), MapStateEntry.ALLOW);

    assertThat(snapshot).isEqualTo(state().entries());
    assertThat(target.entries()).hasSize(3);
  }

  @Test
  void aSnapshotIsImmutableAndNotCopiedAgain() {
    Map<MapStateKey, MapStateEntry> snapshot = state().snapshotEntries();
    assertThat(MapState.immutable(snapshot)).isSameAs(snapshot);
    assertThatThrownBy(() -> snapshot.put(API, MapStateEntry.ALLOW))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> snapshot.entrySet().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
