package io.palisade.node.datapath;

import static io.palisade.node.harness.Packets.SCTP;
import static io.palisade.node.harness.Packets.TC_ACT_OK;
import static io.palisade.node.harness.Packets.TC_ACT_SHOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.ClusterState;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.ProgTestNode;
import io.palisade.node.harness.ProgTestNode.CtEntry;
import io.palisade.node.maps.Reason;
import io.palisade.policy.Direction;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SCTP through the real programs with BPF_PROG_TEST_RUN, from a policy with {@code protocol: SCTP}
 * resolved by the engine: the allowed port passes and another drops; the association's replies pass
 * through conntrack while the same packet as a new flow is refused; INIT, INIT ACK and ABORT move
 * the entry through TCP's lifetimes. Crafted packets carry the proof because this kernel may have
 * no SCTP sockets.
 */
class SctpDatapathIT {

  static final int DIAMETER = 3868;

  static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: telco}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: hss4, namespace: telco, labels: {app: hss}}
      status: {podIP: "10.9.0.1"}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mme4, namespace: telco, labels: {app: mme}}
      status: {podIP: "10.9.0.2"}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: hss6, namespace: telco, labels: {app: hss}}
      status: {podIP: "fd00:9::1"}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: mme6, namespace: telco, labels: {app: mme}}
      status: {podIP: "fd00:9::2"}
      """;

  /** The HSS takes Diameter over SCTP from the MME and may open nothing itself. */
  static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: hss, namespace: telco}
      spec:
        endpointSelector: {matchLabels: {app: hss}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: mme}}]
            toPorts: [{ports: [{port: "3868", protocol: SCTP}]}]
        egress:
          - toEndpoints: [{matchLabels: {app: nobody}}]
      """;

  @ParameterizedTest(name = "IPv{0}")
  @ValueSource(ints = {4, 6})
  void sctpIsDecidedByPortAndTrackedLikeTcp(int family, @TempDir Path dir) throws Exception {
    Privileges.requireRoot();
    byte[] hss = address(family == 4 ? "10.9.0.1" : "fd00:9::1");
    byte[] mme = address(family == 4 ? "10.9.0.2" : "fd00:9::2");
    try (ProgTestNode node = ProgTestNode.create("sctp" + family)) {
      DatapathState desired = resolve(dir);
      assertThat(desired.policies().values())
          .as("the engine keys SCTP rules with IP protocol 132")
          .anySatisfy(
              p ->
                  assertThat(p.mapState().entries().keySet())
                      .anySatisfy(
                          k -> {
                            assertThat(k.protocol()).isEqualTo(SCTP);
                            assertThat(k.port()).isEqualTo(DIAMETER);
                          }));
      node.apply(desired);

      // Before the association exists, the HSS's INIT ACK is a new egress flow: refused.
      byte[] initAck = Packets.sctp(hss, mme, DIAMETER, 40000, Packets.SCTP_INIT_ACK);
      assertThat(node.fromPod(initAck)).as("INIT ACK with no association").isEqualTo(TC_ACT_SHOT);
      assertThat(node.toPod(Packets.sctp(mme, hss, 40001, DIAMETER + 1, Packets.SCTP_INIT)))
          .as("INIT to a port the policy does not name")
          .isEqualTo(TC_ACT_SHOT);
      assertThat(node.toPod(Packets.frame(mme, hss, Packets.TCP, 40002, DIAMETER)))
          .as("TCP to the SCTP port")
          .isEqualTo(TC_ACT_SHOT);
      assertThat(node.counter(Reason.DROP_POLICY)).isEqualTo(3);

      // The MME opens the association: INIT passes by policy, its entry waits for a reply.
      assertThat(node.toPod(Packets.sctp(mme, hss, 40000, DIAMETER, Packets.SCTP_INIT)))
          .as("INIT to the Diameter port")
          .isEqualTo(TC_ACT_OK);
      CtEntry opened = entry(node, mme, hss, 40000);
      assertThat(opened.flags()).isZero();
      assertLeft(opened, Duration.ofSeconds(60));

      // The same INIT ACK is now a reply of the association and passes through conntrack.
      assertThat(node.fromPod(initAck)).as("INIT ACK of the association").isEqualTo(TC_ACT_OK);
      assertThat(node.counter(Reason.FWD_CT_REPLY)).isEqualTo(1);
      CtEntry answered = entry(node, mme, hss, 40000);
      assertThat(answered.flags()).isEqualTo(CtEntry.SEEN_REPLY);
      assertLeft(answered, Duration.ofHours(6));

      byte[] data = Packets.sctp(mme, hss, 40000, DIAMETER, Packets.SCTP_DATA);
      assertThat(node.toPod(data)).as("DATA of the association").isEqualTo(TC_ACT_OK);
      assertThat(node.counter(Reason.FWD_CT_ESTABLISHED)).isEqualTo(1);

      // ABORT ends it: the entry is kept only briefly, as after a TCP RST.
      assertThat(node.toPod(Packets.sctp(mme, hss, 40000, DIAMETER, Packets.SCTP_ABORT)))
          .isEqualTo(TC_ACT_OK);
      CtEntry closing = entry(node, mme, hss, 40000);
      assertThat(closing.flags()).isEqualTo(CtEntry.SEEN_REPLY | CtEntry.CLOSING);
      assertLeft(closing, Duration.ofSeconds(10));
      assertThat(closing.packets()).isEqualTo(4);
    }
  }

  @Test
  void shutdownCompleteFromTheServerClosesTheAssociation(@TempDir Path dir) throws Exception {
    Privileges.requireRoot();
    byte[] hss = address("10.9.0.1");
    byte[] mme = address("10.9.0.2");
    try (ProgTestNode node = ProgTestNode.create("sctpsc")) {
      node.apply(resolve(dir));
      assertThat(node.toPod(Packets.sctp(mme, hss, 41000, DIAMETER, Packets.SCTP_INIT)))
          .isEqualTo(TC_ACT_OK);
      assertThat(
              node.fromPod(Packets.sctp(hss, mme, DIAMETER, 41000, Packets.SCTP_SHUTDOWN_COMPLETE)))
          .isEqualTo(TC_ACT_OK);
      CtEntry e = entry(node, mme, hss, 41000);
      assertThat(e.flags()).isEqualTo(CtEntry.SEEN_REPLY | CtEntry.CLOSING);
      assertLeft(e, Duration.ofSeconds(10));
    }
  }

  @Test
  void anIcmpErrorAboutATrackedAssociationPassesAsRelated(@TempDir Path dir) throws Exception {
    Privileges.requireRoot();
    byte[] hss = address("10.9.0.1");
    byte[] mme = address("10.9.0.2");
    try (ProgTestNode node = ProgTestNode.create("sctpre")) {
      node.apply(resolve(dir));
      byte[] init = Packets.sctp(mme, hss, 42000, DIAMETER, Packets.SCTP_INIT);
      byte[] error = Packets.icmpUnreachable(hss, mme, init);
      assertThat(node.fromPod(error)).as("the error before the association").isEqualTo(TC_ACT_SHOT);
      assertThat(node.toPod(init)).isEqualTo(TC_ACT_OK);
      assertThat(node.fromPod(error)).as("the error about the association").isEqualTo(TC_ACT_OK);
      assertThat(node.counter(Reason.FWD_CT_RELATED)).isEqualTo(1);
    }
  }

  /** The HSS side's entry of the association the MME opened from {@code sport}. */
  private static CtEntry entry(ProgTestNode node, byte[] mme, byte[] hss, int sport) {
    return node.conntrack(Direction.INGRESS, mme, hss, SCTP, sport, DIAMETER)
        .orElseThrow(() -> new AssertionError("no conntrack entry for the association"));
  }

  /** The entry expires within {@code lifetime}, and not more than two seconds before it. */
  private static void assertLeft(CtEntry e, Duration lifetime) {
    assertThat(e.remainingNanos())
        .as("time left in the entry")
        .isBetween(lifetime.minusSeconds(2).toNanos(), lifetime.toNanos());
  }

  static DatapathState resolve(Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    LoadResult loaded = new PolicyLoader().load(List.of(dir));
    assertThat(loaded.valid()).as("policy: " + loaded.errors()).isTrue();
    ClusterParser.Result inventory = new ClusterParser().parse(CLUSTER);
    assertThat(inventory.errors()).isEmpty();
    var allocator = new InMemoryIdentityAllocator();
    ClusterPolicy policy =
        new ClusterPolicy(inventory.cluster(), loaded.policySet().rules(), allocator);
    return ClusterState.of(policy, allocator, Map.of("telco/hss4", "lo", "telco/hss6", "lo"));
  }

  static byte[] address(String a) {
    return CidrPrefix.parseAddress(a).orElseThrow();
  }
}
