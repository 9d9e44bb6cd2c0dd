package io.palisade.node.maps;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Policy keys carry the engine's port prefixes as the kernel's LPM expects them. */
class PolicyKeyTest {

  @Test
  void aPortRangeBlockEncodesItsPrefixAndBigEndianPort() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(Layouts.POLICY_KEY);
      MapStateKey k = new MapStateKey(Direction.INGRESS, 300, 6, 9000, 14); // 9000-9003
      PolicyKey.write(new PolicyKey(1234, k), seg);
      assertThat(seg.get(ValueLayout.JAVA_INT, 0)).isEqualTo(72 + 8 + 14);
      assertThat(seg.get(ValueLayout.JAVA_INT, 4)).isEqualTo(1234);
      assertThat(seg.get(ValueLayout.JAVA_INT, 8)).isEqualTo(300);
      assertThat(seg.get(ValueLayout.JAVA_BYTE, 12)).isEqualTo((byte) Layouts.DIR_INGRESS);
      assertThat(seg.get(ValueLayout.JAVA_BYTE, 13)).isEqualTo((byte) 6);
      assertThat(seg.get(ValueLayout.JAVA_BYTE, 14)).isEqualTo((byte) (9000 >> 8));
      assertThat(seg.get(ValueLayout.JAVA_BYTE, 15)).isEqualTo((byte) (9000 & 0xFF));
      assertThat(PolicyKey.read(seg)).isEqualTo(new PolicyKey(1234, k));
    }
  }

  @Test
  void anyProtocolAndProtocolOnlyKeysRoundTrip() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(Layouts.POLICY_KEY);
      for (MapStateKey k :
          new MapStateKey[] {
            MapStateKey.allPorts(Direction.EGRESS, 0),
            MapStateKey.protocol(Direction.EGRESS, 77, io.palisade.policy.Protocol.UDP),
            MapStateKey.port(Direction.INGRESS, 5, io.palisade.policy.Protocol.ICMP, 8)
          }) {
        PolicyKey.write(new PolicyKey(9, k), seg);
        assertThat(PolicyKey.read(seg)).isEqualTo(new PolicyKey(9, k));
      }
    }
  }

  @Test
  void valuesKeepTheEngineVerdictOrderAndPrefixLength() {
    MapStateKey k = new MapStateKey(Direction.INGRESS, 1, 6, 80, 16);
    assertThat(PolicyValue.of(k, MapStateEntry.DENY, Direction.INGRESS))
        .isEqualTo(new PolicyValue(Layouts.VERDICT_DENY, 24, 0));
    assertThat(PolicyValue.of(k, MapStateEntry.ALLOW, Direction.INGRESS).verdict())
        .isLessThan(Layouts.VERDICT_REDIRECT);
  }
}
