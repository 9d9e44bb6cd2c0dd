package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.node.bpf.MapShape;
import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Maps sized to the desired state, in the kernel: created with the shapes asked for, reused in that
 * shape by a datapath opened as compiled (a restarted daemon), and a state that does not fit is
 * refused before anything is written.
 */
class MapShapesIT {

  @Test
  void sizedMapsKeepTheirShapeAcrossAReopenAndRefuseAStateThatDoesNotFit() {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    DatapathState small = DatapathShapesTest.state(10, "lo");
    Map<String, MapShape> shapes = DatapathShapes.forState(small);
    try (BpfFsGuard guard = new BpfFsGuard();
        NetNs ns = NetNs.create("pal-" + run + "-shape")) {
      try {
        try (Datapath dp = ns.call(() -> Datapath.open(pins, shapes))) {
          assertThat(dp.shapes().get(MapNames.IPCACHE))
              .isEqualTo(new MapShape(DatapathShapes.MIN_ENTRIES, MapShape.NO_PREALLOC));
          assertThat(dp.shapes().get(MapNames.POLICY).maxEntries()).isEqualTo(Layouts.POLICY_MAX);
          ns.call(() -> dp.apply(small));
        }
        try (Datapath again = ns.call(() -> Datapath.open(pins))) {
          assertThat(again.shapes()).containsAllEntriesOf(shapes);
          assertThat(again.fill().get(MapNames.IPCACHE)).as("the state survived").isEqualTo(11);

          DatapathState large = DatapathShapesTest.state(2000, "lo");
          long generation = again.generation();
          assertThatThrownBy(() -> ns.call(() -> again.apply(large)))
              .isInstanceOf(IllegalStateException.class)
              .hasMessage(
                  "the state does not fit the maps pinned under "
                      + pins
                      + ": pal_ipcache holds at most 1024 entries, the state has 2001; "
                      + "pal_policy_exact holds at most 1024 entries, the state has 2000");
          assertThat(again.fill().get(MapNames.IPCACHE)).as("nothing written").isEqualTo(11);
          assertThat(again.generation()).isEqualTo(generation);

          // The reused maps still decide: the first peer's allowed port passes, another drops.
          byte[] peer = {11, 0, 0, 0};
          byte[] pod = {10, 1, 0, 1};
          int toPod = again.toPodProgram();
          assertThat(ProgTestRun.run(toPod, Packets.frame(peer, pod, 6, 40000, 80), 1).retval())
              .isEqualTo(Packets.TC_ACT_OK);
          assertThat(ProgTestRun.run(toPod, Packets.frame(peer, pod, 6, 40001, 81), 1).retval())
              .isEqualTo(Packets.TC_ACT_SHOT);
          assertThat(again.counters().get(Reason.DROP_POLICY.slot())[0]).isEqualTo(1);
        }
      } finally {
        Datapath.unpinAll(pins);
      }
    }
  }
}
