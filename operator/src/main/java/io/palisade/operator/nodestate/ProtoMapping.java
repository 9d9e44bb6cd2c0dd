package io.palisade.operator.nodestate;

import io.palisade.operator.model.EndpointState;
import io.palisade.operator.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.proto.nodestate.v1.Endpoint;
import io.palisade.proto.nodestate.v1.IpcacheEntry;
import io.palisade.proto.nodestate.v1.L7Parser;
import io.palisade.proto.nodestate.v1.Verdict;
import java.util.Map;

/** The one place where the engine's values become wire messages and back. */
public final class ProtoMapping {

  private ProtoMapping() {}

  public static io.palisade.proto.nodestate.v1.Direction direction(Direction d) {
    return d == Direction.INGRESS
        ? io.palisade.proto.nodestate.v1.Direction.INGRESS
        : io.palisade.proto.nodestate.v1.Direction.EGRESS;
  }

  public static Direction direction(io.palisade.proto.nodestate.v1.Direction d) {
    return switch (d) {
      case INGRESS -> Direction.INGRESS;
      case EGRESS -> Direction.EGRESS;
      default -> throw new IllegalArgumentException("no direction: " + d);
    };
  }

  public static io.palisade.proto.nodestate.v1.MapStateKey key(MapStateKey k) {
    return io.palisade.proto.nodestate.v1.MapStateKey.newBuilder()
        .setDirection(direction(k.direction()))
        .setPeerIdentity(k.identity())
        .setProtocol(k.protocol())
        .setPort(k.port())
        .setPortPrefixBits(k.portPrefixBits())
        .build();
  }

  public static MapStateKey key(io.palisade.proto.nodestate.v1.MapStateKey k) {
    return new MapStateKey(
        direction(k.getDirection()),
        k.getPeerIdentity(),
        k.getProtocol(),
        k.getPort(),
        k.getPortPrefixBits());
  }

  public static io.palisade.proto.nodestate.v1.MapStateEntry entry(
      MapStateKey key, MapStateEntry entry) {
    var b =
        io.palisade.proto.nodestate.v1.MapStateEntry.newBuilder()
            .setKey(key(key))
            .setVerdict(verdict(entry.verdict()));
    entry
        .l7()
        .ifPresent(
            l7 ->
                b.setL7Parser(L7Parser.valueOf(l7.parser().name()))
                    .setProxyPort(entry.proxyPort(key.direction())));
    return b.build();
  }

  public static Verdict verdict(io.palisade.policy.mapstate.Verdict v) {
    return Verdict.valueOf(v.name());
  }

  public static Endpoint endpoint(EndpointState e) {
    return Endpoint.newBuilder()
        .setId(e.id())
        .addAllAddresses(e.addresses())
        .setIdentity(e.identity())
        .setEnforceIngress(e.enforceIngress())
        .setEnforceEgress(e.enforceEgress())
        .build();
  }

  public static IpcacheEntry ipcache(String prefix, long identity) {
    return IpcacheEntry.newBuilder().setPrefix(prefix).setIdentity(identity).build();
  }

  public static io.palisade.proto.nodestate.v1.IdentityPolicy policy(IdentityPolicy p) {
    var b =
        io.palisade.proto.nodestate.v1.IdentityPolicy.newBuilder()
            .setIdentity(p.identity())
            .setEnforceIngress(p.enforces(Direction.INGRESS))
            .setEnforceEgress(p.enforces(Direction.EGRESS));
    for (Map.Entry<MapStateKey, MapStateEntry> e : p.entries().entrySet()) {
      b.addEntries(entry(e.getKey(), e.getValue()));
    }
    return b.build();
  }
}
