package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.bpf.Libc;
import io.palisade.node.bpf.TcAttachment;
import io.palisade.node.cni.ChainedCniPlugin;
import io.palisade.node.discovery.EndpointDiscovery;
import io.palisade.node.discovery.Placement;
import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Topology;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.Outcome;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.load.PolicyLoader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interface discovery and the endpoint lifecycle on real packets: the daemon's pipeline, applier
 * and {@link EndpointDiscovery} in the node namespace of a routed pod network (host routes, as
 * Calico and Cilium) and of a bridged one (a Linux bridge, no host routes, as flannel and the
 * bridge plugin), with veths deleted and recreated, pods deleted, and a pod with no interface at
 * all. Each test builds its own namespaces and removes them.
 */
class EndpointDiscoveryIT {

  static final String FRONTEND = "app/frontend";
  static final String BACKEND = "app/backend";
  static final String DB = "data/db";

  static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: backend-ingress, namespace: app}
      spec:
        endpointSelector: {matchLabels: {app: backend}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: frontend}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      """;

  static final List<Flow> FLOWS =
      List.of(
          Flow.tcp(FRONTEND, BACKEND, 80),
          Flow.tcp(DB, BACKEND, 80),
          Flow.tcp(FRONTEND, BACKEND, 8080),
          Flow.tcp(BACKEND, DB, 80),
          Flow.icmp(DB, BACKEND));

  @BeforeAll
  static void root() {
    Privileges.requireRoot();
  }

  static List<PodSpec> pods(String subnet) {
    return List.of(
        new PodSpec("app", "frontend", Map.of("app", "frontend"), subnet + ".11"),
        new PodSpec("app", "backend", Map.of("app", "backend"), subnet + ".12"),
        new PodSpec("data", "db", Map.of("app", "db"), subnet + ".13"));
  }

  @Test
  void routedPodsAreFoundByTheirHostRoutesAndEnforced() {
    try (DatapathFixture node = new DatapathFixture(pods("10.210.0"), List.of());
        Daemon daemon = new Daemon(node, Path.of("/nonexistent-palisade-records"))) {
      daemon.converge(POLICY, node.topology().clusterYaml());
      assertThat(daemon.applier.pending()).isEmpty();
      assertThat(daemon.boundInterfaces()).containsExactlyInAnyOrder("lxc0", "lxc1", "lxc2");
      assertThat(daemon.enforced()).isTrue();
      assertThat(node.check(FLOWS)).as("flows where packets disagree with the engine").isEmpty();
    }
  }

  @Test
  void bridgedPodsAreFoundFromTheBridgeTablesAndEnforced() {
    try (DatapathFixture node =
            new DatapathFixture(pods("10.211.0"), List.of(), Topology.Wiring.BRIDGED);
        Daemon daemon = new Daemon(node, Path.of("/nonexistent-palisade-records"))) {
      String routes = node.topology().node().ip("-4", "route", "show");
      assertThat(routes).as("no host routes on a bridged node").doesNotContain("10.211.0.12");
      daemon.converge(POLICY, node.topology().clusterYaml());
      assertThat(daemon.applier.pending()).isEmpty();
      assertThat(daemon.boundInterfaces()).containsExactlyInAnyOrder("lxc0", "lxc1", "lxc2");
      assertThat(daemon.enforced()).isTrue();
      assertThat(node.expected(Flow.tcp(DB, BACKEND, 80))).isEqualTo(Outcome.DENIED);
      assertThat(node.check(FLOWS)).as("flows where packets disagree with the engine").isEmpty();
    }
  }

  @Test
  void aRecreatedVethIsAttachedAgainAndADeletedPodsVethIsDetached() {
    try (DatapathFixture node =
            new DatapathFixture(pods("10.212.0"), List.of(), Topology.Wiring.BRIDGED);
        Daemon daemon = new Daemon(node, Path.of("/nonexistent-palisade-records"))) {
      daemon.converge(POLICY, node.topology().clusterYaml());
      Topology.PodNet backend = node.topology().pod(BACKEND);
      Flow denied = Flow.tcp(DB, BACKEND, 80);
      assertThat(node.reachable(denied)).isFalse();
      int before = node.topology().node().call(() -> Libc.ifNameToIndex("lxc1"));

      // The CNI deletes the pod's veth: the backend is pending, the revision is not enforced.
      node.topology().node().ip("link", "del", "lxc1");
      daemon.refresh();
      assertThat(daemon.applier.pending())
          .singleElement()
          .satisfies(p -> assertThat(p.id()).isEqualTo(BACKEND));
      assertThat(daemon.enforced()).isFalse();
      assertThat(daemon.applier.failure(NodeDaemonNode.NAME, daemon.revision))
          .hasValueSatisfying(f -> assertThat(f).contains("app/backend 10.212.0.12"));

      // It comes back under a new ifindex: attached again, enforced again, acked again.
      int acksBefore = daemon.acks.size();
      node.topology().wire(backend);
      int after = node.topology().node().call(() -> Libc.ifNameToIndex("lxc1"));
      assertThat(after).isNotEqualTo(before);
      ApplyResult again = daemon.refresh();
      assertThat(again.attached()).containsExactly("lxc1");
      assertThat(daemon.applier.pending()).isEmpty();
      assertThat(daemon.enforced()).isTrue();
      assertThat(daemon.acks).hasSize(acksBefore + 1);
      assertThat(node.reachable(denied)).as("the recreated veth enforces again").isFalse();
      assertThat(node.reachable(Flow.tcp(FRONTEND, BACKEND, 80))).isTrue();

      // The db pod is deleted but its veth stays for now: the programs come off it.
      String withoutDb =
          node.topology()
              .clusterYaml()
              .replaceAll(
                  "(?s)apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: db\\n.*?---\\n", "");
      assertThat(withoutDb).doesNotContain("name: db\n");
      ApplyResult deleted = daemon.converge(POLICY, withoutDb);
      assertThat(deleted.detached()).containsExactly("lxc2");
      int db = node.topology().node().call(() -> Libc.ifNameToIndex("lxc2"));
      assertThat(
              node.topology().node().call(() -> TcAttachment.query(db, TcAttachment.Hook.EGRESS)))
          .isZero();
      assertThat(daemon.enforced()).isTrue();
    }
  }

  @Test
  void aPodWhoseInterfaceCannotBeFoundIsPendingAndItsRevisionIsNotAcked() {
    try (DatapathFixture node = new DatapathFixture(pods("10.213.0"), List.of());
        Daemon daemon = new Daemon(node, Path.of("/nonexistent-palisade-records"))) {
      String ghost =
          """
          apiVersion: v1
          kind: Pod
          metadata:
            name: ghost
            namespace: app
            labels:
              app: backend
          status:
            podIP: "10.213.0.99"
          ---
          """;
      daemon.converge(POLICY, node.topology().clusterYaml() + ghost);
      assertThat(daemon.applier.pending())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.id()).isEqualTo("app/ghost");
                assertThat(p.address()).isEqualTo("10.213.0.99");
                assertThat(p.reason())
                    .contains("no chained CNI record")
                    .contains("no host route")
                    .contains("no neighbour entry on a bridge");
              });
      assertThat(daemon.enforced()).as("a revision with a pending endpoint").isFalse();
      assertThat(daemon.acks).as("acks of that revision").doesNotContain(daemon.revision);
      assertThat(daemon.applier.failure(NodeDaemonNode.NAME, daemon.revision))
          .hasValueSatisfying(
              f -> assertThat(f).startsWith("1 endpoint not enforced yet: app/ghost"));
      // The pods that were found are enforced meanwhile.
      assertThat(daemon.boundInterfaces()).containsExactlyInAnyOrder("lxc0", "lxc1", "lxc2");
      assertThat(node.check(FLOWS)).isEmpty();
    }
  }

  @Test
  void theChainedCniPluginRecordsAQuietPodsVethOnAddAndForgetsItOnDel() throws Exception {
    Path records = Files.createTempDirectory("palisade-cni");
    try (DatapathFixture node =
            new DatapathFixture(pods("10.214.0"), List.of(), Topology.Wiring.BRIDGED);
        Daemon daemon = new Daemon(node, records)) {
      // A pod that never sent to the node: the bridge tables cannot place it.
      Topology.PodNet db = node.topology().pod(DB);
      node.topology().node().ip("neigh", "flush", "dev", Topology.BRIDGE);
      EndpointState quiet = new EndpointState(DB, List.of("10.214.0.13"), 1, true, true);
      CidrPrefix address = CidrPrefix.parse("10.214.0.13").orElseThrow();
      EndpointDiscovery discovery = new EndpointDiscovery(records, p -> {});
      assertThat(node.topology().node().call(() -> discovery.place(quiet, address)))
          .isInstanceOf(Placement.Pending.class);

      String conf =
          """
          {"cniVersion": "1.0.0", "name": "k8s-pod-network", "type": "palisade",
           "recordDir": "%s",
           "prevResult": {"cniVersion": "1.0.0",
             "interfaces": [{"name": "lxc2"}, {"name": "eth0", "sandbox": "/var/run/netns/%s"}],
             "ips": [{"address": "10.214.0.13/24", "interface": 1}]}}
          """
              .formatted(records, db.netns().name());
      Map<String, String> env =
          Map.of(
              "CNI_COMMAND", "ADD",
              "CNI_CONTAINERID", "c0ffee",
              "CNI_NETNS", "/var/run/netns/" + db.netns().name(),
              "CNI_IFNAME", "eth0");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int rc = node.topology().node().call(() -> cni(env, conf, out));
      assertThat(rc).as(out.toString(StandardCharsets.UTF_8)).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"10.214.0.13/24\"");
      int ifindex = node.topology().node().call(() -> Libc.ifNameToIndex("lxc2"));
      assertThat(Files.readString(records.resolve("c0ffee")))
          .isEqualTo("10.214.0.13 lxc2 " + ifindex + "\n");
      assertThat(node.topology().node().call(() -> discovery.place(quiet, address)))
          .isEqualTo(new Placement.Here("lxc2"));

      Map<String, String> del = new java.util.HashMap<>(env);
      del.put("CNI_COMMAND", "DEL");
      assertThat(node.topology().node().call(() -> cni(del, conf, new ByteArrayOutputStream())))
          .isZero();
      assertThat(records.resolve("c0ffee")).doesNotExist();
      assertThat(node.topology().node().call(() -> discovery.place(quiet, address)))
          .isInstanceOf(Placement.Pending.class);
    } finally {
      try (var files = Files.list(records)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(records);
    }
  }

  private static int cni(Map<String, String> env, String conf, ByteArrayOutputStream out) {
    return ChainedCniPlugin.run(
        env,
        new ByteArrayInputStream(conf.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  /** The node's name in file mode, where every pod of the cluster file runs on this node. */
  static final class NodeDaemonNode {
    static final String NAME = "local";
  }

  /**
   * What the file-mode daemon runs, in process on the node namespace's thread: the pipeline, the
   * applier and discovery (every pod of the cluster file expected here). It takes over the
   * fixture's datapath.
   */
  static final class Daemon implements AutoCloseable {
    final DatapathFixture node;
    final DatapathApplier applier;
    final LocalPipeline pipeline;
    final List<Long> acks = new CopyOnWriteArrayList<>();
    long revision;

    Daemon(DatapathFixture node, Path records) {
      this.node = node;
      this.applier =
          new DatapathApplier(
              node.datapath(), NodeDaemonNode.NAME, new EndpointDiscovery(records, p -> {}));
      this.pipeline =
          new LocalPipeline(NodeDaemonNode.NAME, applier, RemovalBudget.parse("unlimited"));
      applier.addListener(
          new NodeStateApplier.Listener() {
            @Override
            public void acked(String n, long r) {
              acks.add(r);
            }
          });
    }

    /** Runs the policy and the cluster through the pipeline; also the engine's expectations. */
    ApplyResult converge(String policy, String cluster) {
      node.prepare(policy);
      return node.topology()
          .node()
          .call(
              () -> {
                var loaded =
                    new PolicyLoader().load(List.of(node.policyDir().resolve("policy.yaml")));
                pipeline.accept(PolicySnapshot.of("test", loaded));
                var inventory = new ClusterParser().parse(cluster);
                assertThat(inventory.errors()).isEmpty();
                pipeline.accept(inventory.cluster());
                revision = pipeline.run();
                return applier.lastResult().orElseThrow();
              });
    }

    ApplyResult refresh() {
      return node.topology()
          .node()
          .call(
              () -> {
                applier.refresh();
                return applier.lastResult().orElseThrow();
              });
    }

    boolean enforced() {
      return applier.enforcedCount(List.of(NodeDaemonNode.NAME), revision) == 1;
    }

    List<String> boundInterfaces() {
      List<String> out = new ArrayList<>();
      applier.bound().forEach(e -> out.add(e.hostInterface()));
      return out;
    }

    @Override
    public void close() {}
  }
}
