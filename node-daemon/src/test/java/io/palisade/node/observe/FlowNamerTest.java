package io.palisade.node.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.maps.Reason;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.PolicyDecision;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.PolicyLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Datapath events of the Star Wars samples as the file-mode daemon logs them, named by the pipeline
 * in process, and as a stream-mode daemon relays them, with addresses only.
 */
class FlowNamerTest {

  private static final Path SAMPLES = Path.of("../config/samples");
  private static final PolicyDecision RULE1 =
      new PolicyDecision("CiliumNetworkPolicy", "default", "rule1", "spec", "files");

  private static final InMemoryNodeState NODE_STATE = new InMemoryNodeState();
  private static FlowNamer fileMode;

  @BeforeAll
  static void loadTheSamples() {
    LocalPipeline pipeline = new LocalPipeline("node-a", NODE_STATE, RemovalBudget.DEFAULT);
    pipeline.accept(ClusterFile.read(SAMPLES.resolve("cluster.yaml")).contents());
    pipeline.accept(
        PolicySnapshot.of("files", new PolicyLoader().load(List.of(SAMPLES.resolve("policies")))));
    pipeline.run();
    fileMode = FlowNamer.of(new FlowNaming(pipeline.pipeline(), () -> "files"));
  }

  private static long identity(String address) {
    return NODE_STATE.ipcache().get(address + "/32");
  }

  private static FlowEvent toDeathstar(String from, Reason reason, String verdict, int port) {
    return new FlowEvent(
        Instant.parse("2026-12-04T12:00:00Z"),
        from,
        "10.42.0.10",
        identity(from),
        identity("10.42.0.10"),
        40312,
        port,
        6,
        "ingress",
        verdict,
        reason.label(),
        4,
        List.of());
  }

  @Test
  void aDropWithNoEntryNamesTheDefaultDenyAndThePods() {
    Flow f = fileMode.name(toDeathstar("10.42.0.12", Reason.DROP_POLICY, "dropped", 80));

    assertThat(f.source().display()).isEqualTo("default/xwing");
    assertThat(f.destination().display()).isEqualTo("default/deathstar");
    assertThat(f.policy()).contains(RULE1);
    assertThat(f.defaultDenyOf()).containsExactly(RULE1);
    assertThat(f.protocol()).isEqualTo("TCP");
    assertThat(f.ifindex()).isEqualTo(4);
  }

  @Test
  void anAllowedFlowNamesItsRuleAndNoDefaultDeny() {
    Flow f = fileMode.name(toDeathstar("10.42.0.11", Reason.FWD_POLICY, "allowed", 80));

    assertThat(f.policy())
        .contains(
            new PolicyDecision(
                "CiliumNetworkPolicy", "default", "rule1", "spec.ingress[0]", "files"));
    assertThat(f.defaultDenyOf()).isEmpty();
  }

  @Test
  void onlyADropWithNoEntryIsADefaultDeny() {
    // A deny entry's drop the rules do not explain (no deny rule here) names nothing.
    Flow f = fileMode.name(toDeathstar("10.42.0.12", Reason.DROP_POLICY_DENY, "denied", 80));

    assertThat(f.policy()).isEmpty();
    assertThat(f.defaultDenyOf()).isEmpty();
    assertThat(f.source().pod()).contains("xwing");
  }

  @Test
  void conntrackVerdictsNamePodsButNoPolicy() {
    Flow f = fileMode.name(toDeathstar("10.42.0.11", Reason.FWD_CT_REPLY, "allowed", 80));

    assertThat(f.source().pod()).contains("tiefighter");
    assertThat(f.policy()).isEmpty();
  }

  @Test
  void aStreamModeDaemonKeepsAddressesAndIdentities() {
    FlowEvent e = toDeathstar("10.42.0.12", Reason.DROP_POLICY, "dropped", 80);

    Flow f = FlowNamer.addressesOnly().name(e);

    assertThat(f.source().pod()).isEmpty();
    assertThat(f.destination().pod()).isEmpty();
    assertThat(f.source().address()).isEqualTo("10.42.0.12");
    assertThat(f.source().identity()).isEqualTo(e.sourceIdentity());
    assertThat(f.destination().port()).isEqualTo(80);
    assertThat(f.policy()).isEmpty();
    assertThat(f.reason()).isEqualTo("policy_denied");
  }
}
