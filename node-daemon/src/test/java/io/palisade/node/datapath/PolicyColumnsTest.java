package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.PolicyValue;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.MapStateMatch;
import io.palisade.policy.resolve.AuditView;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The policy values of identities that audit-mode policies select, looked up the way palisade.bpf.c
 * does (longest key per group, then the peer's or the any-peer group by rank, once per column),
 * give the engine's enforced verdict and its audit report for every flow of a small cluster.
 */
class PolicyColumnsTest {

  private static final String CLUSTER =
      String.join(
          "\n---\n",
          "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}",
          "apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: prod, labels: {app: web}}\nstatus: {podIP: 10.0.0.1}",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: prod, labels: {app: client}}\nstatus: {podIP: 10.0.0.2}",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: dev, labels: {app: client}}\nstatus: {podIP: 10.0.0.3}",
          "apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: dev, labels: {app: db}}\nstatus: {podIP: 10.0.0.4}");

  private static final String POLICIES =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web-enforced, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: client}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}, {port: "8000", endPort: 8100}]}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web-audit, namespace: prod, annotations: {palisade.io/enforcement: audit}}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: "443"}]}]}]
        ingressDeny: [{toPorts: [{ports: [{port: "8050", protocol: TCP}]}]}]
        egress: [{toEndpoints: [{matchLabels: {app: client}}]}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: db-audit, annotations: {palisade.io/enforcement: audit}}
      spec:
        endpointSelector: {matchLabels: {app: db}}
        ingress: [{fromEndpoints: [{matchLabels: {app: client}}], toPorts: [{ports: [{port: "5432"}]}]}]
        egressDeny: [{toEndpoints: [{matchLabels: {app: web}}]}]
      """;

  @Test
  void theDatapathsLookupOverBothColumnsGivesTheEnginesVerdictAndAuditReport() {
    LoadResult loaded = new PolicyLoader().load("p.yaml", POLICIES);
    assertThat(loaded.errors()).isEmpty();
    ClusterPolicy cp =
        new ClusterPolicy(
            new ClusterParser().parse(CLUSTER).cluster(),
            loaded.policySet().rules(),
            new InMemoryIdentityAllocator());
    int cells = 0;
    int audited = 0;
    List<FlowEndpoint> ends = new ArrayList<>(cp.pods());
    ends.add(cp.endpoint("192.168.1.1").orElseThrow());
    for (FlowEndpoint subject : cp.pods()) {
      EndpointPolicy engine = cp.engine().policyFor(subject.identity().id());
      Map<MapStateKey, PolicyValue> values = PolicyColumns.of(IdentityPolicy.of(engine));
      for (FlowEndpoint peer : ends) {
        for (Direction d : Direction.values()) {
          for (Protocol proto : List.of(Protocol.TCP, Protocol.UDP)) {
            for (int port : List.of(22, 80, 443, 5432, 8000, 8050, 8100, 8101)) {
              long p = peer.identity().id();
              Optional<MapStateMatch> m = engine.mapState().lookup(d, p, proto.number(), port);
              int enforced = m.map(x -> PolicyValue.verdict(x.entry().verdict())).orElse(0);
              Optional<AuditView.Finding> report = engine.audit(d, p, proto.number(), port, m);
              int[] datapath = lookup(values, d, p, proto.number(), port);
              String cell = subject.name() + " " + d + " " + peer.name() + " " + proto + "/" + port;
              assertThat(datapath[0]).as("enforced verdict: " + cell).isEqualTo(enforced);
              boolean datapathAudits =
                  engine.audits(d)
                      && datapath[0] == Layouts.VERDICT_ALLOW
                      && (datapath[1] == Layouts.VERDICT_NONE
                          || datapath[1] == Layouts.VERDICT_DENY);
              assertThat(datapathAudits).as("audit report: " + cell).isEqualTo(report.isPresent());
              report.ifPresent(
                  r ->
                      assertThat(r.cause() == AuditView.Cause.DENY)
                          .as("audit cause: " + cell)
                          .isEqualTo(datapath[1] == Layouts.VERDICT_DENY));
              cells++;
              audited += report.isPresent() ? 1 : 0;
            }
          }
        }
      }
    }
    assertThat(audited).as("audit reports among %d cells", cells).isGreaterThan(cells / 20);
    assertThat(audited).isLessThan(cells);
  }

  /** palisade.bpf.c's policy_verdict: {enforced verdict, audit verdict}. */
  private static int[] lookup(
      Map<MapStateKey, PolicyValue> values, Direction d, long peer, int proto, int port) {
    PolicyValue l3 = longest(values, d, peer, proto, port);
    PolicyValue l4 = peer == 0 ? null : longest(values, d, 0, proto, port);
    int r3 = l3 == null ? 0 : rank(l3.verdict(), l3.prefixLength());
    int r4 = l4 == null ? 0 : rank(l4.verdict(), l4.prefixLength());
    int a3 = l3 == null ? 0 : rank(l3.auditVerdict(), l3.auditPrefixLength());
    int a4 = l4 == null ? 0 : rank(l4.auditVerdict(), l4.auditPrefixLength());
    return new int[] {Math.max(r3, r4) >> 8, Math.max(a3, a4) >> 8};
  }

  private static int rank(int verdict, int prefix) {
    return verdict == 0 ? 0 : verdict << 8 | prefix;
  }

  private static PolicyValue longest(
      Map<MapStateKey, PolicyValue> values, Direction d, long peer, int proto, int port) {
    MapStateKey best = null;
    for (MapStateKey k : values.keySet()) {
      if (k.direction() == d
          && k.identity() == peer
          && k.matches(proto, port)
          && (best == null || k.prefixLength() > best.prefixLength())) {
        best = k;
      }
    }
    return best == null ? null : values.get(best);
  }
}
