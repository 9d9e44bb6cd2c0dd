package io.palisade.proto.codec;

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
class NodeStateCodecTest {

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
      assertThat(NodeStateCodec.key(NodeStateCodec.key(k))).isEqualTo(k);
    }
  }

  @Test
  void verdictsAndParsersHaveTheSameNames() {
    for (Verdict v : Verdict.values()) {
      assertThat(NodeStateCodec.verdict(v).name()).isEqualTo(v.name());
    }
    assertThat(
            Arrays.stream(L7Parser.values())
                .map(p -> io.palisade.proto.nodestate.v1.L7Parser.valueOf(p.name())))
        .hasSize(L7Parser.values().length);
  }

  @Test
  void anEntryCarriesItsVerdict() {
    var e =
        NodeStateCodec.entry(
            MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80), MapStateEntry.DENY);
    assertThat(e.getVerdict()).isEqualTo(io.palisade.proto.nodestate.v1.Verdict.DENY);
    assertThat(e.getProxyPort()).isZero();
    assertThat(e.getKey().getPort()).isEqualTo(80);

    var redirect =
        NodeStateCodec.entry(
            MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80),
            MapStateEntry.redirect(io.palisade.policy.mapstate.L7Policy.http(java.util.List.of())));
    assertThat(redirect.getVerdict()).isEqualTo(io.palisade.proto.nodestate.v1.Verdict.REDIRECT);
    assertThat(redirect.getL7Parser()).isEqualTo(io.palisade.proto.nodestate.v1.L7Parser.HTTP);
    assertThat(redirect.getProxyPort()).isEqualTo(L7Parser.HTTP.proxyPort(Direction.INGRESS));
  }

  @Test
  void endpointsAndPoliciesRoundTrip() {
    var endpoint =
        new io.palisade.pipeline.model.EndpointState(
            "default/deathstar", java.util.List.of("10.0.0.1", "fd00::1"), 300, true, false);
    assertThat(NodeStateCodec.endpoint(NodeStateCodec.endpoint(endpoint))).isEqualTo(endpoint);

    var policy =
        new io.palisade.pipeline.model.IdentityPolicy(
            300,
            java.util.Set.of(Direction.INGRESS),
            java.util.Map.of(
                MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80),
                MapStateEntry.ALLOW,
                MapStateKey.port(Direction.INGRESS, 257, Protocol.TCP, 80),
                MapStateEntry.DENY,
                MapStateKey.port(Direction.INGRESS, 258, Protocol.TCP, 8080),
                MapStateEntry.redirect(
                    new io.palisade.policy.mapstate.L7Policy(L7Parser.HTTP, java.util.Set.of()))));
    assertThat(NodeStateCodec.policy(NodeStateCodec.policy(policy))).isEqualTo(policy);
  }

  @Test
  void whatTheEncoderNeverWritesIsRefused() {
    var noVerdict =
        io.palisade.proto.nodestate.v1.MapStateEntry.newBuilder()
            .setKey(NodeStateCodec.key(MapStateKey.allPorts(Direction.INGRESS, 0)))
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeStateCodec.entry(noVerdict))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without verdict");
    var noParser =
        noVerdict.toBuilder().setVerdict(io.palisade.proto.nodestate.v1.Verdict.REDIRECT).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeStateCodec.entry(noParser))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without parser");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                NodeStateCodec.key(io.palisade.proto.nodestate.v1.MapStateKey.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without direction");
  }
}
