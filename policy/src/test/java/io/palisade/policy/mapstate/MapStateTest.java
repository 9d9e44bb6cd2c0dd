package io.palisade.policy.mapstate;

import static io.palisade.policy.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.policy.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inserting entries keeps each group conflict-free, whatever the order of insertion. */
class MapStateTest {

  private static final MapStateKey L3 = MapStateKey.allPorts(INGRESS, 100);
  private static final MapStateKey L4 = MapStateKey.port(INGRESS, 0, Protocol.TCP, 80);
  private static final MapStateKey L3L4 = MapStateKey.port(INGRESS, 100, Protocol.TCP, 80);
  private static final MapStateKey RANGE_80_95 = new MapStateKey(INGRESS, 100, 6, 80, 12);
  private static final MapStateEntry HTTP =
      MapStateEntry.redirect(
          L7Policy.http(List.of(new PortRuleHTTP("/", "GET", null, null, null))));

  @Test
  void aDenySwallowsNarrowerKeysOfItsIdentity() {
    MapState ms = new MapState();
    ms.insert(L3L4, MapStateEntry.ALLOW);
    ms.insert(L3, MapStateEntry.DENY);
    assertThat(ms.entries()).isEqualTo(Map.of(L3, MapStateEntry.DENY));
  }

  @Test
  void aKeyUnderADenyIsNotStored() {
    MapState ms = new MapState();
    ms.insert(L3, MapStateEntry.DENY);
    ms.insert(L3L4, HTTP);
    assertThat(ms.entries()).isEqualTo(Map.of(L3, MapStateEntry.DENY));
  }

  @Test
  void aNarrowerDenyUnderAnAllowIsKeptAndWins() {
    MapState ms = new MapState();
    ms.insert(RANGE_80_95, MapStateEntry.ALLOW);
    ms.insert(L3L4, MapStateEntry.DENY);
    assertThat(ms.entries()).hasSize(2);
    assertThat(verdict(ms, 100, 80)).isEqualTo(Verdict.DENY);
    assertThat(verdict(ms, 100, 81)).isEqualTo(Verdict.ALLOW);
    assertThat(verdict(ms, 100, 96)).isNull();
  }

  @Test
  void aRedirectSwallowsNarrowerAllowsButNotDenies() {
    MapState ms = new MapState();
    ms.insert(L3L4, MapStateEntry.ALLOW);
    ms.insert(RANGE_80_95, HTTP);
    assertThat(ms.entries()).containsOnlyKeys(RANGE_80_95);
    ms.insert(L3L4, MapStateEntry.DENY);
    assertThat(verdict(ms, 100, 80)).isEqualTo(Verdict.DENY);
    assertThat(verdict(ms, 100, 85)).isEqualTo(Verdict.REDIRECT);
  }

  @Test
  void anL4OnlyDenyBeatsAnL3Allow() {
    MapState ms = new MapState();
    ms.insert(L3, MapStateEntry.ALLOW);
    ms.insert(L4, MapStateEntry.DENY);
    assertThat(verdict(ms, 100, 80)).isEqualTo(Verdict.DENY);
    assertThat(verdict(ms, 100, 81)).isEqualTo(Verdict.ALLOW);
    assertThat(verdict(ms, 7, 80)).isEqualTo(Verdict.DENY);
    assertThat(verdict(ms, 7, 81)).isNull();
  }

  @Test
  void anL4OnlyRedirectBeatsAnL3L4Allow() {
    MapState ms = new MapState();
    ms.insert(L3L4, MapStateEntry.ALLOW);
    ms.insert(L4, HTTP);
    MapStateMatch m = ms.lookup(INGRESS, 100, 6, 80).orElseThrow();
    assertThat(m.entry().verdict()).isEqualTo(Verdict.REDIRECT);
    assertThat(m.isL3()).isFalse();
  }

  @Test
  void equalKeysMerge() {
    MapState ms = new MapState();
    ms.insert(L3L4, HTTP);
    ms.insert(L3L4, MapStateEntry.ALLOW);
    MapStateEntry merged = ms.entries().get(L3L4);
    assertThat(merged.verdict()).isEqualTo(Verdict.REDIRECT);
    assertThat(merged.l7().orElseThrow().allowsAll()).isTrue();
    assertThat(merged.proxyPort(INGRESS)).isEqualTo(L7Parser.HTTP.proxyPort(INGRESS));
  }

  @Test
  void removingAnIdentityTouchesOnlyItsGroup() {
    MapState ms = new MapState();
    ms.insert(L3, MapStateEntry.ALLOW);
    ms.insert(L4, MapStateEntry.ALLOW);
    ms.removeIdentity(INGRESS, 100);
    assertThat(ms.entries()).containsOnlyKeys(L4);
  }

  @Test
  void anyProtocolKeysCannotNamePorts() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MapStateKey(INGRESS, 1, 0, 80, 16))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Verdict verdict(MapState ms, long peer, int port) {
    return ms.lookup(INGRESS, peer, 6, port).map(m -> m.entry().verdict()).orElse(null);
  }
}
