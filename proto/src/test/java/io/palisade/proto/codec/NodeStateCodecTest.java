package io.palisade.proto.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.model.IdentityAudit;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.ServiceEntry;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wire messages mirror the engine's MapState key and entry, field for field, and carry Service
 * frontends and backends both ways.
 */
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
  void theAuditPartRoundTripsAndEveryChangeCarriesItWhole() {
    MapStateKey any = MapStateKey.allPorts(Direction.INGRESS, 0);
    MapStateKey web = MapStateKey.port(Direction.INGRESS, 300, Protocol.TCP, 80);
    MapStateKey deny = MapStateKey.port(Direction.INGRESS, 301, Protocol.TCP, 22);
    IdentityAudit audit =
        new IdentityAudit(
            Set.of(Direction.INGRESS),
            Map.of(web, MapStateEntry.ALLOW, deny, MapStateEntry.DENY),
            Map.of(
                Direction.INGRESS, List.of("CiliumNetworkPolicy prod/a", "NetworkPolicy prod/b")),
            Map.of(Direction.INGRESS, List.of("CiliumNetworkPolicy prod/a")));
    IdentityPolicy audited =
        new IdentityPolicy(400, Set.of(), Map.of(any, MapStateEntry.ALLOW), Optional.of(audit));
    assertThat(NodeStateCodec.policy(NodeStateCodec.policy(audited))).isEqualTo(audited);

    // Enforcing it again: the change has no audit part, which a node reads as "none any more".
    IdentityPolicy enforced =
        new IdentityPolicy(400, Set.of(Direction.INGRESS), Map.of(web, MapStateEntry.ALLOW));
    Delta off =
        NodeStateDiff.delta(
            Delta.getDefaultInstance(),
            new LocalState(Map.of(), Map.of(400L, audited)),
            new LocalState(Map.of(), Map.of(400L, enforced)));
    assertThat(off.getPolicyChangesList())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.hasAudit()).isFalse();
              assertThat(c.getEnforceIngress()).isTrue();
            });
    Delta on =
        NodeStateDiff.delta(
            Delta.getDefaultInstance(),
            new LocalState(Map.of(), Map.of(400L, enforced)),
            new LocalState(Map.of(), Map.of(400L, audited)));
    assertThat(on.getPolicyChangesList())
        .singleElement()
        .satisfies(c -> assertThat(NodeStateCodec.audit(c.getAudit())).isEqualTo(audit));
  }

  @Test
  void nodesHoldingOneIdentityShareItsChangeAndGetTheSameDeltaAsAlone() {
    MapStateKey web = MapStateKey.port(Direction.INGRESS, 300, Protocol.TCP, 80);
    MapStateKey db = MapStateKey.port(Direction.INGRESS, 301, Protocol.TCP, 5432);
    IdentityPolicy before =
        new IdentityPolicy(400, Set.of(Direction.INGRESS), Map.of(web, MapStateEntry.ALLOW));
    IdentityPolicy after =
        new IdentityPolicy(400, Set.of(Direction.INGRESS), Map.of(db, MapStateEntry.ALLOW));
    IdentityPolicy unchanged = new IdentityPolicy(500, Set.of(), Map.of(web, MapStateEntry.DENY));
    LocalState a = new LocalState(Map.of(), Map.of(400L, before, 500L, unchanged));
    LocalState aNext = new LocalState(Map.of(), Map.of(400L, after, 500L, unchanged));
    LocalState b = new LocalState(Map.of(), Map.of(400L, before));
    LocalState bNext = new LocalState(Map.of(), Map.of(400L, after));

    PolicyChangeMemo memo = new PolicyChangeMemo();
    Delta shared = Delta.getDefaultInstance();
    Delta onA = NodeStateDiff.delta(shared, a, aNext, memo);
    Delta onB = NodeStateDiff.delta(shared, b, bNext, memo);

    assertThat(onA).isEqualTo(NodeStateDiff.delta(shared, a, aNext));
    assertThat(onB).isEqualTo(NodeStateDiff.delta(shared, b, bNext));
    assertThat(onA.getPolicyChangesList()).singleElement().isSameAs(onB.getPolicyChanges(0));
    assertThat(onA.getPolicyChanges(0).getUpsertsList())
        .containsExactly(NodeStateCodec.entry(db, MapStateEntry.ALLOW));
    assertThat(onA.getPolicyChanges(0).getDeletesList()).containsExactly(NodeStateCodec.key(web));
  }

  @Test
  void verdictsAndParsersMapOneToOne() {
    for (io.palisade.policy.mapstate.Verdict v : io.palisade.policy.mapstate.Verdict.values()) {
      assertThat(NodeStateCodec.verdict(v).name()).isEqualTo(v.name());
    }
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
  void aRedirectCarriesItsHttpRulesAndWhereEachWasWrittenSoADaemonsProxyEnforcesThemAsWritten() {
    var landing =
        new io.palisade.crds.api.PortRuleHTTP("/v1/request-landing", "POST", null, null, null);
    var headers =
        new io.palisade.crds.api.PortRuleHTTP(
            null,
            "GET",
            "api\\.example",
            List.of("X-Ship", "X-Crew: 3"),
            List.of(
                new io.palisade.crds.api.HeaderMatch(null, "X-Token", null, "abc"),
                new io.palisade.crds.api.HeaderMatch(
                    "LOG", "X-Key", new io.palisade.crds.api.SecretRef("prod", "keys"), null)));
    var l7 =
        io.palisade.policy.mapstate.L7Policy.http(List.of(landing, headers))
            .writtenAt("CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0]")
            .union(
                io.palisade.policy.mapstate.L7Policy.http(List.of(landing))
                    .writtenAt("CiliumNetworkPolicy default/rule2 spec.ingress[1].toPorts[0]"))
            .withWildcard();
    MapStateKey key = MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80);
    MapStateEntry entry = MapStateEntry.redirect(l7);

    var wire = NodeStateCodec.entry(key, entry);
    assertThat(wire.getHttpRulesList()).hasSize(3);
    assertThat(wire.getHttpRules(0).getOriginsList())
        .containsExactly(
            "CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[0]",
            "CiliumNetworkPolicy default/rule2 spec.ingress[1].toPorts[0].rules.http[0]");
    MapStateEntry back = NodeStateCodec.entry(wire);
    assertThat(back).isEqualTo(entry);
    assertThat(back.l7().orElseThrow().allowsAll()).isTrue();
    assertThat(back.l7().orElseThrow().origins(headers))
        .containsExactly(
            "CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[1]");
  }

  @Test
  void aKafkaRedirectCarriesItsRulesAndOriginsAndNoOtherParsersField() throws Exception {
    var produce =
        new io.palisade.crds.api.PortRuleKafka("produce", null, null, "vader", "deathstar-plans");
    var fetch = new io.palisade.crds.api.PortRuleKafka(null, "fetch", "12", null, "empire");
    var l7 =
        io.palisade.policy.mapstate.L7Policy.kafka(List.of(produce, fetch))
            .writtenAt("CiliumNetworkPolicy default/kafka spec.ingress[0].toPorts[0]");
    MapStateKey key = MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 9092);
    MapStateEntry entry = MapStateEntry.redirect(l7);

    var wire =
        io.palisade.proto.nodestate.v1.MapStateEntry.parseFrom(
            NodeStateCodec.entry(key, entry).toByteArray());
    assertThat(wire.getL7Parser()).isEqualTo(io.palisade.proto.nodestate.v1.L7Parser.KAFKA);
    assertThat(wire.getHttpRulesList()).isEmpty();
    assertThat(wire.getDnsRulesList()).isEmpty();
    assertThat(wire.getKafkaRulesList())
        .extracting(
            r ->
                r.getRole()
                    + "|"
                    + r.getApiKey()
                    + "|"
                    + r.getApiVersion()
                    + "|"
                    + r.getClientId()
                    + "|"
                    + r.getTopic())
        .containsExactly("produce|||vader|deathstar-plans", "|fetch|12||empire");
    MapStateEntry back = NodeStateCodec.entry(wire);
    assertThat(back).isEqualTo(entry);
    assertThat(back.l7().orElseThrow().ordered()).containsExactly(produce, fetch);
    assertThat(back.l7().orElseThrow().origins(fetch))
        .containsExactly(
            "CiliumNetworkPolicy default/kafka spec.ingress[0].toPorts[0].rules.kafka[1]");
  }

  @Test
  void aDnsRedirectCarriesItsNamesAndPatternsWithTheirOrigins() throws Exception {
    var name = new io.palisade.crds.api.FQDNSelector("api.example.com", null);
    var pattern = new io.palisade.crds.api.FQDNSelector(null, "*.example.org");
    var l7 =
        io.palisade.policy.mapstate.L7Policy.dns(List.of(name, pattern))
            .writtenAt("CiliumNetworkPolicy default/fqdn spec.egress[0].toPorts[0]");
    MapStateKey key = MapStateKey.port(Direction.EGRESS, 16777217, Protocol.UDP, 53);
    MapStateEntry entry = MapStateEntry.redirect(l7);

    var wire =
        io.palisade.proto.nodestate.v1.MapStateEntry.parseFrom(
            NodeStateCodec.entry(key, entry).toByteArray());
    assertThat(wire.getHttpRulesList()).isEmpty();
    assertThat(wire.getKafkaRulesList()).isEmpty();
    assertThat(wire.getDnsRulesList())
        .extracting(r -> r.getMatchName() + "|" + r.getMatchPattern())
        .containsExactly("api.example.com|", "|*.example.org");
    MapStateEntry back = NodeStateCodec.entry(wire);
    assertThat(back).isEqualTo(entry);
    assertThat(back.l7().orElseThrow().origins(pattern))
        .containsExactly("CiliumNetworkPolicy default/fqdn spec.egress[0].toPorts[0].rules.dns[1]");
  }

  @Test
  void rulesOfAnotherParsersFieldAreNotReadIntoARedirect() {
    // A Kafka redirect whose entry also holds an HTTP rule decodes with its Kafka rules only, so a
    // stray field can never widen what the proxy admits.
    var wire =
        io.palisade.proto.nodestate.v1.MapStateEntry.newBuilder()
            .setKey(
                NodeStateCodec.key(MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 9092)))
            .setVerdict(io.palisade.proto.nodestate.v1.Verdict.REDIRECT)
            .setL7Parser(io.palisade.proto.nodestate.v1.L7Parser.KAFKA)
            .setProxyPort(15090)
            .addHttpRules(io.palisade.proto.nodestate.v1.HttpRule.getDefaultInstance())
            .build();
    assertThat(NodeStateCodec.entry(wire).l7().orElseThrow().rules()).isEmpty();
  }

  @Test
  void aRedirectOfAnOperatorThatSendsNoRulesAdmitsNothing() {
    var wire =
        io.palisade.proto.nodestate.v1.MapStateEntry.newBuilder()
            .setKey(NodeStateCodec.key(MapStateKey.port(Direction.INGRESS, 256, Protocol.TCP, 80)))
            .setVerdict(io.palisade.proto.nodestate.v1.Verdict.REDIRECT)
            .setL7Parser(io.palisade.proto.nodestate.v1.L7Parser.HTTP)
            .setProxyPort(15080)
            .build();
    assertThat(NodeStateCodec.entry(wire).l7().orElseThrow().rules()).isEmpty();
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

  @Test
  void servicesRoundTripThroughSnapshotsAndDeltas() throws Exception {
    var web = new ServiceFrontend("10.96.0.10", 80, Protocol.TCP);
    var dns = new ServiceFrontend("fd96::a", 53, Protocol.UDP);
    var sctp = new ServiceFrontend("10.96.0.11", 3868, Protocol.SCTP);
    var nodePort = new ServiceFrontend("192.168.1.1", 30080, Protocol.TCP);
    List<ServiceBackend> webBackends =
        List.of(new ServiceBackend("10.0.0.1", 8080), new ServiceBackend("10.0.0.2", 8080));
    Map<ServiceFrontend, List<ServiceBackend>> shared =
        Map.of(
            web, webBackends, dns, List.of(new ServiceBackend("fd00::53", 5353)), sctp, List.of());
    LocalState local = new LocalState(Map.of(), Map.of(), Map.of(), Map.of(nodePort, webBackends));

    Snapshot s = NodeStateDiff.snapshot(Map.of(), shared, local);
    assertThat(decode(s.getServicesList())).isEqualTo(shared);
    assertThat(decode(s.getLocalServicesList())).isEqualTo(local.services());
    assertThat(decode(Snapshot.parseFrom(s.toByteArray()).getServicesList()))
        .as("through bytes")
        .isEqualTo(shared);

    // A backend leaves the web Service, DNS goes, and the node's NodePort moves to another port.
    var moved = new ServiceFrontend("192.168.1.1", 30081, Protocol.TCP);
    LocalState after = new LocalState(Map.of(), Map.of(), Map.of(), Map.of(moved, webBackends));
    Delta d =
        NodeStateDiff.delta(
            NodeStateDiff.shared(
                Map.of(), Set.of(), Map.of(web, webBackends.subList(0, 1)), Set.of(dns)),
            local,
            after);
    assertThat(decode(d.getServiceUpsertsList())).isEqualTo(Map.of(web, webBackends.subList(0, 1)));
    assertThat(d.getServiceDeletesList().stream().map(NodeStateCodec::frontend))
        .containsExactly(dns);
    assertThat(decode(d.getLocalServiceUpsertsList())).isEqualTo(after.services());
    assertThat(d.getLocalServiceDeletesList().stream().map(NodeStateCodec::frontend))
        .containsExactly(nodePort);
    assertThat(NodeStateDiff.isEmpty(d)).isFalse();
    assertThat(
            NodeStateDiff.isEmpty(
                NodeStateDiff.delta(NodeStateDiff.ipcache(Map.of(), Set.of()), after, after)))
        .as("nothing changed")
        .isTrue();
  }

  @Test
  void fqdnSelectorIdentitiesTravelInSnapshotsAndDeltas() throws Exception {
    long api = (1L << 24) | 7;
    long any = (1L << 24) | 8;
    LocalState before =
        new LocalState(
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(api, "matchName=api.example.com.", any, "matchPattern=*.example.org."));
    Snapshot s = Snapshot.parseFrom(NodeStateDiff.snapshot(Map.of(), before).toByteArray());
    assertThat(s.getFqdnSelectorsList())
        .extracting(x -> x.getIdentity() + " " + x.getSelector())
        .containsExactly(api + " matchName=api.example.com.", any + " matchPattern=*.example.org.");

    long next = (1L << 24) | 9;
    LocalState after =
        new LocalState(
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(api, "matchName=api.example.com.", next, "matchName=short.example.com."));
    Delta d = NodeStateDiff.delta(NodeStateDiff.ipcache(Map.of(), Set.of()), before, after);
    assertThat(d.getFqdnSelectorUpsertsList())
        .extracting(x -> x.getIdentity() + " " + x.getSelector())
        .containsExactly(next + " matchName=short.example.com.");
    assertThat(d.getFqdnSelectorDeletesList()).containsExactly(any);
    assertThat(NodeStateDiff.isEmpty(d)).isFalse();
  }

  @Test
  void aFrontendTheEncoderNeverWritesIsRefused() {
    var icmp =
        io.palisade.proto.nodestate.v1.ServiceFrontend.newBuilder()
            .setAddress("10.96.0.10")
            .setPort(80)
            .setProtocol(1)
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeStateCodec.frontend(icmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IP protocol 1 (TCP, UDP or SCTP)");
    var huge = icmp.toBuilder().setProtocol(6).setPort(-1).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeStateCodec.frontend(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a Service port of 4294967295 (1 to 65535)");
    var name = icmp.toBuilder().setProtocol(6).setAddress("web.shop").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeStateCodec.frontend(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"web.shop\" is not an IP address");
  }

  private static Map<ServiceFrontend, List<ServiceBackend>> decode(List<ServiceEntry> entries) {
    Map<ServiceFrontend, List<ServiceBackend>> out = new HashMap<>();
    entries.forEach(
        e -> out.put(NodeStateCodec.frontend(e.getFrontend()), NodeStateCodec.backends(e)));
    return out;
  }
}
