package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.bpf.Libc;
import io.palisade.node.bpf.TcAttachment;
import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Topology;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code palisade-node uninstall} on a node made of test namespaces: a dry run lists and changes
 * nothing; the real run detaches Palisade's programs from every pod veth (and only Palisade's
 * filter), removes the pins and the state file, and the traffic the policy dropped flows again.
 */
class UninstallIT {

  static final String A = "app/a";
  static final String B = "app/b";

  static final String DENY_ALL_INGRESS_TO_B =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: b-closed, namespace: app}
      spec:
        endpointSelector: {matchLabels: {app: b}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: nobody}}]
      """;

  @Test
  void uninstallDetachesPalisadesProgramsRemovesThePinsAndTrafficFlowsAgain() throws Exception {
    Privileges.requireRoot();
    try (DatapathFixture node =
        new DatapathFixture(
            List.of(
                new PodSpec("app", "a", Map.of("app", "a"), "10.201.0.11"),
                new PodSpec("app", "b", Map.of("app", "b"), "10.201.0.12")),
            List.of())) {
      Topology t = node.topology();
      node.enforce(DENY_ALL_INGRESS_TO_B);
      assertThat(node.reachable(Flow.tcp(A, B, 80))).as("the policy drops a -> b").isFalse();
      assertThat(node.reachable(Flow.tcp(B, A, 80))).isTrue();
      // Another tool's filter on one veth: uninstall must leave it.
      String vethB = t.pod(B).hostVeth();
      // (a classic BPF filter that matches nothing: this kernel has cls_bpf, not matchall or u32)
      var foreign =
          t.node()
              .exec(
                  "tc",
                  "filter",
                  "add",
                  "dev",
                  vethB,
                  "ingress",
                  "prio",
                  "99",
                  "handle",
                  "1",
                  "bpf",
                  "bytecode",
                  "1,6 0 0 0,");
      assertThat(foreign.exit()).as(foreign.output()).isZero();
      Path stateFile = Files.createTempFile("palisade-node-state", ".pb");

      String dry =
          run(
              node,
              "--pin-root",
              node.pinRoot().toString(),
              "--state-file",
              stateFile.toString(),
              "--dry-run");

      for (Topology.PodNet p : t.pods()) {
        assertThat(dry)
            .contains(
                "would detach Palisade's programs from " + p.hostVeth() + " (ingress, egress)");
        assertThat(attached(node, p.hostVeth())).isTrue();
      }
      assertThat(dry)
          .contains("would remove " + MapNames.ALL.size() + " pinned maps under " + node.pinRoot())
          .contains("would remove " + stateFile)
          .contains("all of it stays until `palisade-node uninstall` runs on this node");
      assertThat(node.pinRoot().resolve(MapNames.POLICY)).exists();
      assertThat(stateFile).exists();

      String done =
          run(node, "--pin-root", node.pinRoot().toString(), "--state-file", stateFile.toString());

      for (Topology.PodNet p : t.pods()) {
        assertThat(done)
            .contains("detached Palisade's programs from " + p.hostVeth() + " (ingress, egress)");
        assertThat(attached(node, p.hostVeth())).as(p.hostVeth()).isFalse();
      }
      assertThat(done)
          .contains("removed " + MapNames.ALL.size() + " pinned maps under " + node.pinRoot())
          .contains("left in place: the clsact qdiscs");
      assertThat(node.pinRoot()).doesNotExist();
      assertThat(stateFile).doesNotExist();
      assertThat(t.node().exec("tc", "filter", "show", "dev", vethB, "ingress").output())
          .as("another tool's filter stays")
          .contains("pref 99 bpf")
          .contains("bytecode '1,6 0 0 0'");
      assertThat(node.reachable(Flow.tcp(A, B, 80))).as("nothing filters a -> b any more").isTrue();
      // Only the test namespace was touched: the node thread saw only its own interfaces.
      assertThat(t.node().call(Libc::interfaceNames))
          .contains("lo")
          .containsAll(t.pods().stream().map(Topology.PodNet::hostVeth).toList());

      assertThat(
              run(
                  node,
                  "--pin-root",
                  node.pinRoot().toString(),
                  "--state-file",
                  stateFile.toString()))
          .contains("no Palisade programs attached to any interface")
          .contains("no pinned maps under " + node.pinRoot());
    }
  }

  /** Runs the command on the node namespace's thread, as the DaemonSet runs it on the node. */
  private static String run(DatapathFixture node, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        node.topology()
            .node()
            .call(
                () ->
                    io.palisade.node.UninstallCommand.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean attached(DatapathFixture node, String veth) {
    return node.topology()
        .node()
        .call(
            () -> {
              int ifindex = Libc.ifNameToIndex(veth);
              return TcAttachment.query(ifindex, TcAttachment.Hook.INGRESS) != 0
                  || TcAttachment.query(ifindex, TcAttachment.Hook.EGRESS) != 0;
            });
  }
}
