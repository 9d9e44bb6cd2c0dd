package io.palisade.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor;
import io.palisade.proto.nodestate.v1.Direction;
import io.palisade.proto.nodestate.v1.MapStateEntry;
import io.palisade.proto.nodestate.v1.MapStateKey;
import io.palisade.proto.nodestate.v1.NodeStateGrpc;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import io.palisade.proto.nodestate.v1.PolicyChange;
import io.palisade.proto.nodestate.v1.Verdict;
import org.junit.jupiter.api.Test;

class NodeStateProtoTest {

  @Test
  void streamIsBidirectional() {
    assertThat(NodeStateGrpc.getStreamMethod().getType())
        .isEqualTo(MethodDescriptor.MethodType.BIDI_STREAMING);
    assertThat(NodeStateGrpc.getStreamMethod().getFullMethodName())
        .isEqualTo("palisade.nodestate.v1.NodeState/Stream");
  }

  @Test
  void deltaRoundTrips() throws Exception {
    MapStateKey key =
        MapStateKey.newBuilder()
            .setDirection(Direction.INGRESS)
            .setPeerIdentity(1234)
            .setProtocol(6)
            .setPort(80)
            .setPortPrefixBits(16)
            .build();
    OperatorMessage m =
        OperatorMessage.newBuilder()
            .setEpoch("e1")
            .setRevision(7)
            .setDelta(
                io.palisade.proto.nodestate.v1.Delta.newBuilder()
                    .setBaseRevision(5)
                    .addIpcacheDeletes("10.0.0.1/32")
                    .addPolicyChanges(
                        PolicyChange.newBuilder()
                            .setIdentity(1234)
                            .addUpserts(
                                MapStateEntry.newBuilder().setKey(key).setVerdict(Verdict.ALLOW))))
            .build();
    OperatorMessage back = OperatorMessage.parseFrom(m.toByteArray());
    assertThat(back).isEqualTo(m);
    assertThat(back.getKindCase()).isEqualTo(OperatorMessage.KindCase.DELTA);
    assertThat(back.getDelta().getPolicyChanges(0).getUpserts(0).getKey().getPort()).isEqualTo(80);
  }
}
