package io.palisade.policy.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateKey;
import org.junit.jupiter.api.Test;

class SectionPortsTest {

  @Test
  void namedPortShapesDoNotPileUpAndStayTheSharedInstances() {
    NamedPort first = new NamedPort("http-0", Protocol.TCP, 8000);
    MapStateKey before = SectionPorts.shapeOf(first, Direction.INGRESS);
    for (int i = 1; i <= SectionPorts.NAMED_PORT_SHAPES_MAX + 10; i++) {
      SectionPorts.shapeOf(new NamedPort("http-" + i, Protocol.TCP, 8000 + i), Direction.EGRESS);
      assertThat(SectionPorts.namedPortShapesKept())
          .isLessThanOrEqualTo(SectionPorts.NAMED_PORT_SHAPES_MAX);
    }

    MapStateKey after = SectionPorts.shapeOf(first, Direction.INGRESS);
    assertThat(after)
        .as("found again after the cache started over: still the one shared shape")
        .isSameAs(before)
        .isSameAs(
            MapState.shapeOf(
                MapStateKey.port(Direction.INGRESS, MapStateKey.ANY_IDENTITY, Protocol.TCP, 8000)));
  }
}
