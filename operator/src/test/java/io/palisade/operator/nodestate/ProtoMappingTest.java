package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The wire messages mirror the engine's MapState key and entry, field for field. */
class ProtoMappingTest {

  @Test
  void theKeyMessageHasAFieldForEveryRecordComponent() {
    var fields =
        io.palisade.proto.nodestate.v1.MapStateKey.getDescriptor().getFields().stream()
            .map(f -> f.getName())
            .toList();
    assertThat(fields)
        .containsExactly("direction", "peer_identity", "protocol", "port", "port_prefix_bits");
    assertThat(MapStateKey.class.getRecordComponents()).hasSize(fields.size());
  }

  @Test
  void keysRoundTrip() {
    for (MapStateKey k :
        new MapStateKey[] {
          MapStateKey.allPorts(Direction.INGRESS, 0),
          MapStateKey.protocol(Direction.EGRESS, 300, Protocol.UDP),
          MapStateKey.port(Direction.INGRESS, (1L << 24) | 5, Protocol.TCP, 443),
          new MapStateKey(Direction.EGRESS, 256, 6, 8080, 13)
        }) {
      assertThat(ProtoMapping.key(ProtoMapping.key(k))).isEqualTo(k);
    }
  }

  @Test
  void verdictsAndParsersHaveTheSameNames() {
    for (Verdict v : Verdict.values()) {
      assertThat(ProtoMapping.verdict(v).name()).isEqualTo(v.name());
    }
    assertThat(
            Arrays.stream(L7Parser.values())
                .map(p -> io.palisade.proto.nodestate.v1.L7Parser.valueOf(p.name())))
        .hasSize(L7Parser.values().length);
  }

  @Test
  void anEntryCarriesItsVerdict() {
    var e =
        ProtoMapping.entry(
            MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80), MapStateEntry.DENY);
    assertThat(e.getVerdict()).isEqualTo(io.palisade.proto.nodestate.v1.Verdict.DENY);
    assertThat(e.getProxyPort()).isZero();
    assertThat(e.getKey().getPort()).isEqualTo(80);

    var redirect =
        ProtoMapping.entry(
            MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80),
            MapStateEntry.redirect(io.palisade.policy.mapstate.L7Policy.http(java.util.List.of())));
    assertThat(redirect.getVerdict()).isEqualTo(io.palisade.proto.nodestate.v1.Verdict.REDIRECT);
    assertThat(redirect.getL7Parser()).isEqualTo(io.palisade.proto.nodestate.v1.L7Parser.HTTP);
    assertThat(redirect.getProxyPort()).isEqualTo(L7Parser.HTTP.proxyPort(Direction.INGRESS));
  }
}
