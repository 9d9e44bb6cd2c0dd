package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.node.bpf.MapShape;
import io.palisade.node.maps.Layouts;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Map shapes from a desired state, without a kernel. */
class DatapathShapesTest {

  /** n peer addresses with an identity each, one pod, and one exact-port key per peer. */
  static DatapathState state(int n) {
    return state(n, "lxc1");
  }

  /** As {@link #state(int)}, the pod on {@code hostInterface}. */
  static DatapathState state(int n, String hostInterface) {
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    MapState ms = new MapState();
    for (int i = 0; i < n; i++) {
      int a = 0x0B000000 + i;
      byte[] addr = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
      ipcache.put(CidrPrefix.host(addr), 100_000L + i);
      ms.insert(new MapStateKey(Direction.INGRESS, 100_000L + i, 6, 80, 16), MapStateEntry.ALLOW);
    }
    return new DatapathState(
        ipcache,
        List.of(new LocalEndpoint(CidrPrefix.host(new byte[] {10, 1, 0, 1}), 1000, hostInterface)),
        Map.of(
            1000L,
            IdentityPolicy.of(new EndpointPolicy(1000, EnumSet.allOf(Direction.class), ms))));
  }

  @Test
  void aHashMapGetsAQuarterMoreThanItHoldsRoundedUpToAPowerOfTwo() {
    Map<String, MapShape> s = DatapathShapes.forState(state(100_000));

    // 100,000 peers and the pod's own address: 125,002 rounds up to 2^17.
    assertThat(s.get(MapNames.IPCACHE)).isEqualTo(new MapShape(1 << 17, MapShape.NO_PREALLOC));
    assertThat(s.get(MapNames.POLICY_EXACT)).isEqualTo(new MapShape(1 << 17, MapShape.NO_PREALLOC));
    assertThat(s.get(MapNames.ENDPOINTS)).isEqualTo(new MapShape(DatapathShapes.MIN_ENTRIES, 0));
  }

  @Test
  void aSmallStateGetsTheMinimumAndALargeOneTheCompiledMaximum() {
    Map<String, MapShape> small = DatapathShapes.forState(state(10));
    assertThat(small.get(MapNames.IPCACHE).maxEntries()).isEqualTo(DatapathShapes.MIN_ENTRIES);
    assertThat(small.get(MapNames.SERVICES).maxEntries()).isEqualTo(DatapathShapes.MIN_ENTRIES);

    // 4,000 pods would get 8,192 entries, over the endpoints map's compiled 4,096.
    List<LocalEndpoint> pods = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      byte[] addr = {10, 2, (byte) (i >>> 8), (byte) i};
      pods.add(new LocalEndpoint(CidrPrefix.host(addr), 1000, "lxc" + i));
    }
    Map<String, MapShape> large =
        DatapathShapes.forState(new DatapathState(Map.of(), pods, Map.of()));
    assertThat(large.get(MapNames.ENDPOINTS).maxEntries()).isEqualTo(Layouts.ENDPOINTS_MAX);
  }

  @Test
  void onlyHashMapsAreSizedAndTheirFlagsStayAsCompiled() {
    Map<String, MapShape> s = DatapathShapes.forState(state(1000));
    assertThat(s).doesNotContainKeys(MapNames.POLICY, MapNames.IPCACHE_LPM);
    s.forEach(
        (name, shape) ->
            assertThat(shape.flags())
                .as(name)
                .isEqualTo(DatapathShapes.COMPILED.get(name).flags()));
  }

  @Test
  void everyMapAStateOverflowsIsNamedAtOnce() {
    MapContents want = MapContents.of(state(2000), name -> 1);
    Map<String, MapShape> shapes = DatapathShapes.forState(state(10));

    assertThat(DatapathShapes.overflow(want, shapes))
        .hasValue(
            "pal_ipcache holds at most 1024 entries, the state has 2001; "
                + "pal_policy_exact holds at most 1024 entries, the state has 2000");
    assertThat(DatapathShapes.overflow(want, DatapathShapes.forContents(want))).isEmpty();
  }

  @Test
  void aShapeRefusesWhatTheKernelWouldRefuseNamingTheField() {
    assertThatThrownBy(() -> new MapShape(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEntries: 0 is not at least 1");
    assertThatThrownBy(() -> new MapShape(16, 0x4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flags: 0x4 has bits other than BPF_F_NO_PREALLOC");
  }
}
