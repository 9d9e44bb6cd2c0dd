package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.bpf.BpfMap;
import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The conntrack collector against the programs' own entries: it deletes a flow whose lifetime has
 * passed and keeps a live one, and the live flow still passes as established afterwards.
 */
class ConntrackCollectorIT {

  private static final byte[] PEER = {11, 0, 0, 0};
  private static final byte[] POD = {10, 1, 0, 1};

  @Test
  void anExpiredFlowIsDeletedAndALiveOneKeepsPassingAsEstablished() {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    try (BpfFsGuard guard = new BpfFsGuard();
        NetNs ns = NetNs.create("pal-" + run + "-ctgc")) {
      try (Datapath dp = ns.call(() -> Datapath.open(pins))) {
        ns.call(() -> dp.apply(DatapathShapesTest.state(10, "lo")));
        int toPod = dp.toPodProgram();
        byte[] live = Packets.frame(PEER, POD, 6, 40000, 80);
        byte[] ending = Packets.frame(PEER, POD, 6, 40001, 80);
        assertThat(ProgTestRun.run(toPod, live, 1).retval()).isEqualTo(Packets.TC_ACT_OK);
        assertThat(ProgTestRun.run(toPod, ending, 1).retval()).isEqualTo(Packets.TC_ACT_OK);
        BpfMap ct =
            dp.object()
                .map(MapNames.CT, Layouts.CT_KEY.byteSize(), Layouts.CT_VALUE.byteSize(), false);
        assertThat(sourcePorts(ct)).containsExactlyInAnyOrder(40000, 40001);

        expireNow(ct, 40001);
        assertThat(dp.collectExpiredFlows()).isEqualTo(1);
        assertThat(sourcePorts(ct)).containsExactly(40000);
        assertThat(dp.collectExpiredFlows()).as("nothing left to delete").isZero();

        long established = dp.counters().get(Reason.FWD_CT_ESTABLISHED.slot())[0];
        assertThat(ProgTestRun.run(toPod, live, 1).retval()).isEqualTo(Packets.TC_ACT_OK);
        assertThat(dp.counters().get(Reason.FWD_CT_ESTABLISHED.slot())[0])
            .isEqualTo(established + 1);
      } finally {
        Datapath.unpinAll(pins);
      }
    }
  }

  private static List<Integer> sourcePorts(BpfMap ct) {
    List<Integer> ports = new ArrayList<>();
    ct.forEach((k, v) -> ports.add(sourcePort(k)));
    return ports;
  }

  private static int sourcePort(MemorySegment key) {
    return Short.toUnsignedInt(
        key.get(
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN),
            Layouts.offset(Layouts.CT_KEY, "sport")));
  }

  /** Sets the lifetime of the flow from {@code sport} to have ended a second ago. */
  private static void expireNow(BpfMap ct, int sport) {
    try (Arena arena = Arena.ofConfined()) {
      List<MemorySegment[]> found = new ArrayList<>();
      ct.forEach(
          (k, v) -> {
            if (sourcePort(k) == sport) {
              found.add(
                  new MemorySegment[] {
                    arena.allocate(k.byteSize()).copyFrom(k),
                    arena.allocate(v.byteSize()).copyFrom(v)
                  });
            }
          });
      assertThat(found).hasSize(1);
      MemorySegment value = found.getFirst()[1];
      value.set(
          ValueLayout.JAVA_LONG_UNALIGNED,
          Layouts.offset(Layouts.CT_VALUE, "expires_ns"),
          System.nanoTime() - 1_000_000_000L);
      ct.update(found.getFirst()[0], value);
    }
  }
}
