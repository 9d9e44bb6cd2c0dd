package io.palisade.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.cli.Palisade;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.EchoServers;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Topology;
import io.palisade.policy.cluster.ClusterParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The careless edit of the issue on real packets: standalone mode with {@code --enforce} on a
 * policy directory that refuses the xwing; the directory is emptied, and the change is refused, so
 * the xwing stays refused and {@code /readyz} says why. A second {@code standalone --enforce} on
 * the same pins exits at once, naming this process.
 */
class StandaloneRemovalGuardIT {

  private static final Path CLUSTER = Path.of("../config/samples/cluster.yaml");
  private static final Path DENY_XWING = Path.of("../config/samples/policies/deathstar-l3-l4.yaml");
  private static final Duration CONFIRM = Duration.ofSeconds(1);

  @TempDir Path dir;

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private BpfFsGuard bpfFs;
  private Path pins;
  private Topology node;
  private InProcessStandalone standalone;
  private Path policies;
  private int port;

  @BeforeEach
  void startTheNodeAndStandaloneMode() throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    bpfFs = new BpfFsGuard();
    pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    node = Topology.create(run, podsOf(CLUSTER), List.of());
    cleanup.add(node);
    cleanup.add(EchoServers.start(pod("deathstar"), List.of(80), List.of()));
    policies = Files.createDirectories(dir.resolve("policies"));
    Files.copy(DENY_XWING, policies.resolve("rule1.yaml"));
    standalone =
        InProcessStandalone.start(
            node.node(),
            "standalone",
            "--enforce",
            "--bpf-pins=" + pins,
            "--policies=" + policies,
            "--cluster=" + CLUSTER,
            "--interval=200ms",
            "--http-port=0");
    cleanup.add(standalone);
    port = standalone.port();
  }

  @AfterEach
  void removeEverythingMade() throws Exception {
    try {
      for (int i = cleanup.size() - 1; i >= 0; i--) {
        cleanup.get(i).close();
      }
    } finally {
      if (pins != null) {
        Datapath.unpinAll(pins);
      }
      if (bpfFs != null) {
        bpfFs.close();
      }
    }
  }

  @Test
  void anEmptiedDirectoryIsRefusedAndTheXwingStaysRefused() throws Exception {
    try {
      LoopbackHttp.Response ready = awaitReadyz(200, "ready: generation 1");
      assertLanding();

      Files.delete(policies.resolve("rule1.yaml"));
      LoopbackHttp.Response refused = awaitReadyz(503, "are refused");
      assertThat(refused.body())
          .contains("would delete 1 of 1 objects, over the budget of 50%")
          .contains(
              "generation 1 at " + ready.body().substring(ready.body().indexOf("files@")).strip());
      for (int i = 0; i < 3; i++) { // over several polls of the directory
        assertLanding();
      }
      aSecondEnforcerOnTheSamePinsExitsNamingThisOne();

      Files.copy(DENY_XWING, policies.resolve("rule1.yaml"));
      awaitReadyz(200, "ready: generation");
      assertLanding();
    } catch (Throwable t) {
      System.out.println("standalone mode said:\n" + standalone.log());
      throw t;
    }
  }

  private void aSecondEnforcerOnTheSamePinsExitsNamingThisOne() {
    StringWriter out = new StringWriter();
    int code =
        node.node()
            .call(
                () ->
                    Palisade.run(
                        new PrintWriter(out, true),
                        new PrintWriter(out, true),
                        "standalone",
                        "--enforce",
                        "--bpf-pins=" + pins,
                        "--policies=" + dir.resolve("elsewhere"),
                        "--cluster=" + CLUSTER,
                        "--http-port=0"));
    assertThat(code).as(out.toString()).isEqualTo(1);
    assertThat(out.toString())
        .startsWith(
            "palisade: the datapath pinned under "
                + pins
                + " is already written by process "
                + ProcessHandle.current().pid());
  }

  /** /readyz until it answers {@code status} with {@code text} in its body, within 20 s. */
  private LoopbackHttp.Response awaitReadyz(int status, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      LoopbackHttp.Response r = node.node().call(() -> LoopbackHttp.get(port, "/readyz"));
      if (r.status() == status && r.body().contains(text)) {
        return r;
      }
      assertThat(System.nanoTime())
          .as("/readyz %d %s, last: %s", status, text, r)
          .isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** The tiefighter is served, the xwing refused: the sample policy is in force. */
  private void assertLanding() {
    String deathstar = node.pod("default/deathstar").spec().ip();
    assertThat(Probes.tcp(pod("tiefighter"), deathstar, 80, CONFIRM))
        .as("tiefighter -> deathstar:80")
        .isTrue();
    assertThat(Probes.tcp(pod("xwing"), deathstar, 80, CONFIRM))
        .as("xwing -> deathstar:80")
        .isFalse();
  }

  private static List<PodSpec> podsOf(Path cluster) {
    ClusterParser.Result parsed = new ClusterParser().parse(cluster);
    assertThat(parsed.errors()).isEmpty();
    return parsed.cluster().pods().stream()
        .map(p -> new PodSpec(p.namespace(), p.name(), p.labels(), p.ip().orElseThrow()))
        .toList();
  }

  private NetNs pod(String name) {
    return node.pod("default/" + name).netns();
  }
}
