package io.palisade.proto.codec;

import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityAudit;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.proto.nodestate.v1.Audit;
import io.palisade.proto.nodestate.v1.AuditNames;
import io.palisade.proto.nodestate.v1.Endpoint;
import io.palisade.proto.nodestate.v1.IpcacheEntry;
import io.palisade.proto.nodestate.v1.L7Parser;
import io.palisade.proto.nodestate.v1.ServiceEntry;
import io.palisade.proto.nodestate.v1.Verdict;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place where node state ({@code io.palisade.pipeline.model}) becomes wire messages and
 * back. Decoding checks what the encoder never writes (a key without direction, a redirect without
 * parser) and throws {@link IllegalArgumentException}, so a malformed message is refused, never
 * applied as something else.
 */
public final class NodeStateCodec {

  private NodeStateCodec() {}

  public static io.palisade.proto.nodestate.v1.Direction direction(Direction d) {
    return d == Direction.INGRESS
        ? io.palisade.proto.nodestate.v1.Direction.INGRESS
        : io.palisade.proto.nodestate.v1.Direction.EGRESS;
  }

  public static Direction direction(io.palisade.proto.nodestate.v1.Direction d) {
    return switch (d) {
      case INGRESS -> Direction.INGRESS;
      case EGRESS -> Direction.EGRESS;
      default -> throw new IllegalArgumentException("a key without direction: " + d);
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
            l7 -> {
              b.setL7Parser(parser(l7.parser())).setProxyPort(entry.proxyPort(key.direction()));
              L7Codec.addRules(b, l7);
            });
    return b.build();
  }

  // A switch, not valueOf(name()): every entry of every snapshot passes here, and a lookup by name
  // hashes a string each time.
  public static Verdict verdict(io.palisade.policy.mapstate.Verdict v) {
    return switch (v) {
      case ALLOW -> Verdict.ALLOW;
      case REDIRECT -> Verdict.REDIRECT;
      case DENY -> Verdict.DENY;
    };
  }

  private static L7Parser parser(io.palisade.policy.mapstate.L7Parser p) {
    return switch (p) {
      case HTTP -> L7Parser.HTTP;
      case KAFKA -> L7Parser.KAFKA;
      case DNS -> L7Parser.DNS;
    };
  }

  /** The entry as a node holds it: a redirect with its HTTP, Kafka or DNS rules and origins. */
  public static MapStateEntry entry(io.palisade.proto.nodestate.v1.MapStateEntry e) {
    return switch (e.getVerdict()) {
      case ALLOW -> MapStateEntry.ALLOW;
      case DENY -> MapStateEntry.DENY;
      case REDIRECT -> MapStateEntry.redirect(L7Codec.policy(parser(e), e));
      default -> throw new IllegalArgumentException("an entry without verdict: " + e);
    };
  }

  private static io.palisade.policy.mapstate.L7Parser parser(
      io.palisade.proto.nodestate.v1.MapStateEntry e) {
    return switch (e.getL7Parser()) {
      case HTTP -> io.palisade.policy.mapstate.L7Parser.HTTP;
      case KAFKA -> io.palisade.policy.mapstate.L7Parser.KAFKA;
      case DNS -> io.palisade.policy.mapstate.L7Parser.DNS;
      default -> throw new IllegalArgumentException("a redirect without parser: " + e);
    };
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

  public static EndpointState endpoint(Endpoint e) {
    return new EndpointState(
        e.getId(),
        e.getAddressesList(),
        e.getIdentity(),
        e.getEnforceIngress(),
        e.getEnforceEgress());
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
    p.audit().ifPresent(a -> b.setAudit(audit(a)));
    return b.build();
  }

  public static Audit audit(IdentityAudit a) {
    Audit.Builder b = Audit.newBuilder();
    for (Direction d : Direction.values()) {
      if (a.audits(d)) {
        b.addDirections(direction(d));
      }
      if (a.policies().containsKey(d) || a.denies().containsKey(d)) {
        b.addNames(
            AuditNames.newBuilder()
                .setDirection(direction(d))
                .addAllPolicies(a.policies().getOrDefault(d, List.of()))
                .addAllDenies(a.denies().getOrDefault(d, List.of())));
      }
    }
    a.entries().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(KEY_ORDER))
        .forEach(e -> b.addEntries(entry(e.getKey(), e.getValue())));
    return b.build();
  }

  public static IdentityAudit audit(Audit a) {
    Set<Direction> directions = EnumSet.noneOf(Direction.class);
    a.getDirectionsList().forEach(d -> directions.add(direction(d)));
    Map<MapStateKey, MapStateEntry> entries = new HashMap<>();
    for (io.palisade.proto.nodestate.v1.MapStateEntry e : a.getEntriesList()) {
      entries.put(key(e.getKey()), entry(e));
    }
    Map<Direction, List<String>> policies = new EnumMap<>(Direction.class);
    Map<Direction, List<String>> denies = new EnumMap<>(Direction.class);
    for (AuditNames n : a.getNamesList()) {
      policies.put(direction(n.getDirection()), n.getPoliciesList());
      denies.put(direction(n.getDirection()), n.getDeniesList());
    }
    return new IdentityAudit(directions, entries, policies, denies);
  }

  private static final java.util.Comparator<MapStateKey> KEY_ORDER =
      java.util.Comparator.comparing(MapStateKey::direction)
          .thenComparingLong(MapStateKey::identity)
          .thenComparingInt(MapStateKey::protocol)
          .thenComparingInt(MapStateKey::port)
          .thenComparingInt(MapStateKey::portPrefixBits);

  public static IdentityPolicy policy(io.palisade.proto.nodestate.v1.IdentityPolicy p) {
    Set<Direction> enforced = EnumSet.noneOf(Direction.class);
    if (p.getEnforceIngress()) {
      enforced.add(Direction.INGRESS);
    }
    if (p.getEnforceEgress()) {
      enforced.add(Direction.EGRESS);
    }
    Map<MapStateKey, MapStateEntry> entries = new HashMap<>();
    for (io.palisade.proto.nodestate.v1.MapStateEntry e : p.getEntriesList()) {
      entries.put(key(e.getKey()), entry(e));
    }
    return new IdentityPolicy(
        p.getIdentity(),
        enforced,
        entries,
        p.hasAudit() ? Optional.of(audit(p.getAudit())) : Optional.empty());
  }

  public static io.palisade.proto.nodestate.v1.ServiceFrontend frontend(ServiceFrontend f) {
    return io.palisade.proto.nodestate.v1.ServiceFrontend.newBuilder()
        .setAddress(f.address())
        .setPort(f.port())
        .setProtocol(f.protocol().number())
        .build();
  }

  /**
   * @throws IllegalArgumentException on an address that is not an IP literal, a port outside 1 to
   *     65535, or a protocol other than TCP, UDP and SCTP
   */
  public static ServiceFrontend frontend(io.palisade.proto.nodestate.v1.ServiceFrontend f) {
    Protocol protocol =
        Protocol.ofNumber(f.getProtocol())
            .filter(Protocol::hasPorts)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "a Service frontend of IP protocol "
                            + f.getProtocol()
                            + " (TCP, UDP or SCTP): "
                            + f));
    return new ServiceFrontend(f.getAddress(), port(f.getPort()), protocol);
  }

  public static ServiceEntry service(ServiceFrontend frontend, List<ServiceBackend> backends) {
    ServiceEntry.Builder b = ServiceEntry.newBuilder().setFrontend(frontend(frontend));
    for (ServiceBackend backend : backends) {
      b.addBackends(
          io.palisade.proto.nodestate.v1.ServiceBackend.newBuilder()
              .setAddress(backend.address())
              .setPort(backend.port()));
    }
    return b.build();
  }

  /** The backends of an entry, in their order. */
  public static List<ServiceBackend> backends(ServiceEntry e) {
    List<ServiceBackend> out = new ArrayList<>(e.getBackendsCount());
    for (io.palisade.proto.nodestate.v1.ServiceBackend b : e.getBackendsList()) {
      out.add(new ServiceBackend(b.getAddress(), port(b.getPort())));
    }
    return List.copyOf(out);
  }

  /** A uint32 port as the records take it; one that does not fit is refused, never wrapped. */
  private static int port(int wire) {
    if (wire < 0 || wire > 65535) {
      throw new IllegalArgumentException(
          "a Service port of " + Integer.toUnsignedString(wire) + " (1 to 65535)");
    }
    return wire;
  }
}
