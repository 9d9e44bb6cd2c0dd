package io.palisade.pipeline.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flows relayed with addresses only, as a stream-mode daemon sends them, named by the operator's
 * pipeline over the Star Wars samples: the sample's rule1 from plain files, and a deny of the
 * Alliance that a PolicySource applied at a Git revision.
 */
class FlowNamingTest {

  private static final Path SAMPLES = Path.of("../config/samples");
  private static final String REVISION = "main@sha1:3f2a9c1d0b8e7f6a5d4c3b2a19081726354a5b6c";
  private static final String NEXT = "main@sha1:0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b";

  private static final String NO_REBELS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: no-rebels
        namespace: default
        annotations:
          palisade.io/source: palisade-system/policies
          palisade.io/source-revision: %s
      spec:
        endpointSelector: {matchLabels: {class: deathstar}}
        ingressDeny:
          - fromEndpoints: [{matchLabels: {org: alliance}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      """;

  private static final String DEATHSTAR = "10.42.0.10";
  private static final String TIEFIGHTER = "10.42.0.11";
  private static final String XWING = "10.42.0.12";

  @TempDir Path policies;

  private final InMemoryNodeState nodeState = new InMemoryNodeState();
  private LocalPipeline pipeline;
  private FlowNaming naming;

  @BeforeEach
  void loadTheSamples() throws IOException {
    pipeline = new LocalPipeline("node-a", nodeState, RemovalBudget.DEFAULT);
    ClusterFile.Result cluster = ClusterFile.read(SAMPLES.resolve("cluster.yaml"));
    assertThat(cluster.errors()).isEmpty();
    pipeline.accept(cluster.contents());
    Files.copy(SAMPLES.resolve("policies/deathstar-l3-l4.yaml"), policies.resolve("rule1.yaml"));
    Files.writeString(policies.resolve("no-rebels.yaml"), NO_REBELS.formatted(REVISION));
    readPolicies();
    naming = new FlowNaming(pipeline.pipeline(), () -> "files");
  }

  private void readPolicies() {
    assertThat(
            pipeline.accept(PolicySnapshot.of("files", new PolicyLoader().load(List.of(policies)))))
        .isEmpty();
    pipeline.run();
  }

  /** The identity the node state gives an address, as a daemon's datapath reports it. */
  private long identity(String address) {
    Long id = nodeState.ipcache().get(address + "/32");
    assertThat(id).as("identity of " + address).isNotNull();
    return id;
  }

  private Flow relayed(String verdict, String reason, String from, String to, int port) {
    return relayed(verdict, reason, from, identity(from), to, identity(to), port);
  }

  private static Flow relayed(
      String verdict,
      String reason,
      String from,
      long fromIdentity,
      String to,
      long toIdentity,
      int port) {
    return new Flow(
        Instant.parse("2026-12-04T12:00:00Z"),
        verdict,
        reason,
        "ingress",
        "TCP",
        new Flow.Endpoint(Optional.empty(), Optional.empty(), from, fromIdentity, 40312),
        new Flow.Endpoint(Optional.empty(), Optional.empty(), to, toIdentity, port),
        Optional.empty(),
        List.of(),
        List.of(),
        7);
  }

  private static PolicyDecision rule1(String rule) {
    return new PolicyDecision("CiliumNetworkPolicy", "default", "rule1", rule, "files");
  }

  private static PolicyDecision noRebels(String rule, String revision) {
    return new PolicyDecision(
        "CiliumNetworkPolicy",
        "default",
        "no-rebels",
        rule,
        "PolicySource palisade-system/policies " + revision);
  }

  @Test
  void anXwingDeniedByARuleNamesTheRuleItsRevisionAndBothPods() {
    Flow named = naming.name(relayed("denied", PolicyReasons.DENY_RULE, XWING, DEATHSTAR, 80));

    assertThat(named.source().display()).isEqualTo("default/xwing");
    assertThat(named.destination().display()).isEqualTo("default/deathstar");
    assertThat(named.policy()).contains(noRebels("spec.ingressDeny[0]", REVISION));
    assertThat(named.defaultDenyOf()).isEmpty();
    assertThat(named.toJson())
        .contains("\"source\":\"PolicySource palisade-system/policies " + REVISION);
  }

  @Test
  void anXwingDroppedForWantOfAnEntryNamesTheDefaultDenyOfTheSamplePolicy() {
    Flow named = naming.name(relayed("dropped", PolicyReasons.NO_ENTRY, XWING, DEATHSTAR, 443));

    assertThat(named.source().pod()).contains("xwing");
    assertThat(named.destination().pod()).contains("deathstar");
    assertThat(named.defaultDenyOf()).contains(rule1("spec"));
    assertThat(named.policy()).isEqualTo(named.defaultDenyOf().stream().findFirst());
  }

  @Test
  void aTiefighterAllowedNamesTheRuleThatAllowedIt() {
    Flow named = naming.name(relayed("allowed", PolicyReasons.ALLOWED, TIEFIGHTER, DEATHSTAR, 80));

    assertThat(named.source().display()).isEqualTo("default/tiefighter");
    assertThat(named.policy()).contains(rule1("spec.ingress[0]"));
    assertThat(named.defaultDenyOf()).isEmpty();
  }

  @Test
  void aVerdictNoPolicyMadeNamesPodsButNoPolicy() {
    Flow named = naming.name(relayed("allowed", "ct_reply", TIEFIGHTER, DEATHSTAR, 80));

    assertThat(named.source().pod()).contains("tiefighter");
    assertThat(named.policy()).isEmpty();
    assertThat(named.defaultDenyOf()).isEmpty();
  }

  @Test
  void aDenyRuleDropIsNeverCalledADefaultDeny() {
    // The rules allow the tiefighter on 80; a datapath that says otherwise is not default deny.
    Flow named =
        naming.name(relayed("denied", PolicyReasons.DENY_RULE, TIEFIGHTER, DEATHSTAR, 8080));

    assertThat(named.defaultDenyOf()).isEmpty();
    assertThat(named.policy()).isEmpty();
  }

  @Test
  void identitiesUnknownHereKeepTheirAddresses() {
    Flow relayed =
        relayed("dropped", PolicyReasons.NO_ENTRY, XWING, 987_654, DEATHSTAR, 987_655, 80);

    Flow named = naming.name(relayed);

    assertThat(named).isEqualTo(relayed);
    assertThat(named.source().display()).isEqualTo(XWING);
    assertThat(named.destination().display()).isEqualTo(DEATHSTAR);
  }

  @Test
  void anAddressSeenUnderAnotherPodsIdentityIsNotGuessed() {
    // The node saw the tiefighter's identity at the xwing's address: a pod since replaced there.
    Flow named =
        naming.name(
            relayed(
                "allowed",
                PolicyReasons.ALLOWED,
                XWING,
                identity(TIEFIGHTER),
                DEATHSTAR,
                identity(DEATHSTAR),
                80));

    assertThat(named.source().pod()).isEmpty();
    assertThat(named.destination().pod()).contains("deathstar");
    assertThat(named.policy()).contains(rule1("spec.ingress[0]"));
  }

  @Test
  void aNamedFlowIsReturnedAsItIs() {
    Flow named = naming.name(relayed("dropped", PolicyReasons.NO_ENTRY, XWING, DEATHSTAR, 443));

    assertThat(naming.name(named)).isSameAs(named);
  }

  @Test
  void aPolicyChangedSinceIsNamedAsItIsNowNotFromTheCache() throws IOException {
    Flow tiefighter = relayed("allowed", PolicyReasons.ALLOWED, TIEFIGHTER, DEATHSTAR, 80);
    Flow xwing = relayed("denied", PolicyReasons.DENY_RULE, XWING, DEATHSTAR, 80);
    assertThat(naming.name(tiefighter).policy()).contains(rule1("spec.ingress[0]"));
    assertThat(naming.name(xwing).policy()).contains(noRebels("spec.ingressDeny[0]", REVISION));

    String rule1 = Files.readString(policies.resolve("rule1.yaml"));
    Files.writeString(
        policies.resolve("rule1.yaml"),
        rule1.replace(
            "  ingress:\n",
            "  ingress:\n    - fromEndpoints: [{matchLabels: {class: xwing}}]\n"
                + "      toPorts: [{ports: [{port: \"9999\", protocol: TCP}]}]\n"));
    Files.writeString(policies.resolve("no-rebels.yaml"), NO_REBELS.formatted(NEXT));
    readPolicies();

    assertThat(naming.name(tiefighter).policy()).contains(rule1("spec.ingress[1]"));
    assertThat(naming.name(xwing).policy()).contains(noRebels("spec.ingressDeny[0]", NEXT));
  }

  @Test
  void flowsOfManyNodesAreNamedAtOnceThroughOneNaming() throws Exception {
    Flow expected =
        naming.name(relayed("allowed", PolicyReasons.ALLOWED, TIEFIGHTER, DEATHSTAR, 80));
    ExecutorService nodes = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Flow>>> named = new ArrayList<>();
      for (int node = 0; node < 4; node++) {
        named.add(
            nodes.submit(
                () -> {
                  List<Flow> out = new ArrayList<>();
                  for (int i = 0; i < 500; i++) {
                    out.add(
                        naming.name(
                            relayed("allowed", PolicyReasons.ALLOWED, TIEFIGHTER, DEATHSTAR, 80)));
                  }
                  return out;
                }));
      }
      for (Future<List<Flow>> f : named) {
        assertThat(f.get()).hasSize(500).containsOnly(expected);
      }
    } finally {
      nodes.shutdownNow();
    }
  }

  @Test
  void aDirectionOrProtocolThatIsNoneIsNamedWithItsField() {
    Flow flow = relayed("allowed", PolicyReasons.ALLOWED, TIEFIGHTER, DEATHSTAR, 80);
    Flow sideways =
        new Flow(
            flow.time(),
            flow.verdict(),
            flow.reason(),
            "sideways",
            flow.protocol(),
            flow.source(),
            flow.destination(),
            flow.policy(),
            flow.defaultDenyOf(),
            flow.auditPolicies(),
            flow.ifindex());
    Flow pigeon =
        new Flow(
            flow.time(),
            flow.verdict(),
            flow.reason(),
            flow.direction(),
            "pigeon",
            flow.source(),
            flow.destination(),
            flow.policy(),
            flow.defaultDenyOf(),
            flow.auditPolicies(),
            flow.ifindex());

    assertThatThrownBy(() -> naming.name(sideways))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flow.direction: \"sideways\" is neither ingress nor egress");
    assertThatThrownBy(() -> naming.name(pigeon))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("flow.protocol: \"pigeon\" is neither a protocol name nor a number 0-255");
  }
}
