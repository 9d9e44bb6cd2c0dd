package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.maps.BackendValue;
import io.palisade.node.maps.ServiceKey;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A flow keeps its backend while the backend's id is in {@code pal_backends}, so a backend two
 * Services share needs an id in each: leaving one must retire that Service's id only.
 */
class BackendIdsTest {

  static final ServiceFrontend ONE = new ServiceFrontend("10.96.0.10", 80, Protocol.TCP);
  static final ServiceFrontend THREE = new ServiceFrontend("10.96.0.11", 80, Protocol.TCP);
  static final ServiceBackend SHARED = new ServiceBackend("10.40.0.11", 8080);
  static final ServiceBackend OTHER = new ServiceBackend("10.40.0.12", 8080);

  static MapContents contents(Map<ServiceFrontend, List<ServiceBackend>> table, BackendIds ids) {
    DatapathState state =
        new DatapathState(Map.of(), List.of(), Map.of()).withServices(new ServiceTable(table));
    return MapContents.of(state, name -> 0, ids::idOf);
  }

  static int idIn(MapContents c, ServiceFrontend frontend, int slot) {
    CidrPrefix address = DatapathState.prefix(frontend.address());
    return c.services()
        .get(new ServiceKey(address, frontend.port(), frontend.protocol().number(), slot))
        .backendId();
  }

  @Test
  void aBackendOfTwoServicesHasAnIdInEachAndLeavingOneRetiresOnlyThatOne() {
    BackendIds ids = new BackendIds(Map.of(), Map.of());
    MapContents before = contents(Map.of(ONE, List.of(SHARED), THREE, List.of(SHARED, OTHER)), ids);
    int inOne = idIn(before, ONE, 1);
    int inThree = idIn(before, THREE, 1);
    assertThat(inOne).isNotEqualTo(inThree);
    assertThat(before.backends().get(inOne)).isEqualTo(before.backends().get(inThree));
    ids.retain(before.services(), before.backends());

    MapContents after = contents(Map.of(ONE, List.of(SHARED), THREE, List.of(OTHER)), ids);
    ids.retain(after.services(), after.backends());

    assertThat(idIn(after, ONE, 1)).isEqualTo(inOne);
    assertThat(idIn(after, THREE, 1)).isEqualTo(idIn(before, THREE, 2));
    assertThat(after.backends()).doesNotContainKey(inThree);
    // Back in THREE, the shared backend gets a new id, never the retired one.
    MapContents again = contents(Map.of(ONE, List.of(SHARED), THREE, List.of(OTHER, SHARED)), ids);
    assertThat(idIn(again, THREE, 2)).isNotIn(inOne, inThree, idIn(before, THREE, 2));
  }

  @Test
  void aRestartedDaemonReadsTheIdsBackFromTheMaps() {
    BackendIds first = new BackendIds(Map.of(), Map.of());
    Map<ServiceFrontend, List<ServiceBackend>> table =
        Map.of(ONE, List.of(SHARED), THREE, List.of(SHARED, OTHER));
    MapContents held = contents(table, first);

    BackendIds restarted = new BackendIds(held.services(), held.backends());
    MapContents again = contents(table, restarted);

    assertThat(again.services()).isEqualTo(held.services());
    assertThat(again.backends()).isEqualTo(held.backends());
    int newcomer =
        restarted.idOf(
            new ServiceKey(CidrPrefix.host(new byte[] {10, 96, 0, 12}), 80, 6, 0),
            new BackendValue(DatapathState.prefix("10.40.0.13"), 8080));
    assertThat(newcomer)
        .isGreaterThan(held.backends().keySet().stream().mapToInt(i -> i).max().orElseThrow());
  }
}
