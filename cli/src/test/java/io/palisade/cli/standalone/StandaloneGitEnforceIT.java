package io.palisade.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.gitops.HttpGitServer;
import io.palisade.gitops.Upstream;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.EchoServers;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.PrometheusText;
import io.palisade.node.harness.Topology;
import io.palisade.policy.cluster.ClusterParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push to datapath: standalone mode with {@code --enforce} follows a Git repository served by
 * {@code git http-backend} over smart HTTP, on a node made of network namespaces for the pods of
 * the sample cluster file. Each push with a GitHub-signed webhook call flips the xwing's verdict in
 * the real eBPF datapath (real packets between namespaces), the tiefighter stays served, and a call
 * with a forged signature is refused and changes nothing. Prints how long from the webhook call to
 * {@code /readyz} at the new revision and to the first packet that meets the new verdict.
 */
class StandaloneGitEnforceIT {

  private static final Path CLUSTER = Path.of("../config/samples/cluster.yaml");
  private static final Path DENY_XWING = Path.of("../config/samples/policies/deathstar-l3-l4.yaml");
  private static final String TOKEN = "push-to-datapath";
  private static final int PUSHES = 10;
  private static final Duration CONFIRM = Duration.ofSeconds(1);
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final byte[] PUSH_EVENT =
      "{\"ref\":\"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  private final List<AutoCloseable> cleanup = new ArrayList<>(); // closed in reverse
  private BpfFsGuard bpfFs;
  private Path pins;
  private Topology node;
  private Upstream upstream;
  private InProcessStandalone standalone;
  private String allow;
  private String deny;
  private String sha;
  private int port;
  private String hook;

  @BeforeEach
  void startTheNodeTheGitServerAndStandaloneMode() throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    bpfFs = new BpfFsGuard();
    pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    node = Topology.create(run, podsOf(CLUSTER), List.of());
    cleanup.add(node);
    cleanup.add(EchoServers.start(pod("deathstar"), List.of(80), List.of()));

    deny = Files.readString(DENY_XWING);
    allow = allowXwing(deny);
    upstream = new Upstream(dir.resolve("git"));
    sha = upstream.write("policies/rule1.yaml", allow).commit("xwing may land");
    upstream.push();
    // Bound in the node's namespace, where standalone mode fetches from.
    HttpGitServer git = node.node().call(() -> HttpGitServer.open(upstream.root));
    cleanup.add(git);
    Path token = Files.writeString(dir.resolve("token"), TOKEN);
    standalone =
        InProcessStandalone.start(
            node.node(),
            "standalone",
            "--enforce",
            "--bpf-pins=" + pins,
            "--policies=" + git.url("policies.git"),
            "--path=policies",
            "--cluster=" + CLUSTER,
            "--cache=" + dir.resolve("cache"),
            "--webhook-token-file=" + token,
            "--webhook-type=GITHUB",
            "--interval=10m", // only the webhook can start a sync within the test
            "--http-port=0");
    cleanup.add(standalone);
    port = standalone.port();
    hook = standalone.hookPath();
  }

  @AfterEach
  void removeEverythingMade() throws Exception {
    try {
      closeAll(cleanup);
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
  void eachSignedPushFlipsTheXwingInTheDatapathAndAForgedCallChangesNothing() throws Exception {
    try {
      String first = sha;
      node.node().call(() -> awaitReadyAt(port, first, System.nanoTime()));
      assertLanding(true);
      aForgedCallChangesNothing();
      PushLatencies measured = new PushLatencies();
      for (int push = 1; push <= PUSHES; push++) {
        boolean xwingServed = push % 2 == 0;
        if (push > 1) {
          commitAndPush(xwingServed);
        }
        measured.add(signedPush(xwingServed));
        assertLanding(xwingServed);
      }
      assertDatapathMetricsServed();
      System.out.println(
          "standalone --enforce, "
              + PUSHES
              + " pushes over smart HTTP, webhook call to: "
              + measured.summary());
    } catch (Throwable t) {
      System.out.println("standalone mode said:\n" + standalone.log());
      throw t;
    }
  }

  /** /healthz and the datapath's meters on standalone's loopback port, after the probes. */
  private void assertDatapathMetricsServed() throws Exception {
    assertThat(node.node().call(() -> LoopbackHttp.get(port, "/healthz")).status()).isEqualTo(200);
    LoopbackHttp.Response r = node.node().call(() -> LoopbackHttp.get(port, "/metrics"));
    assertThat(r.status()).isEqualTo(200);
    PrometheusText metrics = PrometheusText.parse(r.body());
    assertThat(
            metrics.sum(
                "palisade_dropped_packets_total",
                Map.of("direction", "ingress", "reason", "policy_denied")))
        .as("the xwing refused at the deathstar's ingress")
        .isPositive();
    assertThat(metrics.sum("palisade_datapath_apply_seconds_count", Map.of()))
        .as("one apply per generation, pushes included")
        .isGreaterThanOrEqualTo(PUSHES);
  }

  /** A change that refuses the xwing is pushed, but the call's signature is forged. */
  private void aForgedCallChangesNothing() throws Exception {
    commitAndPush(false);
    LoopbackHttp.Response forged =
        node.node().call(() -> callHook(port, hook, "sha256=" + "0".repeat(64)));
    assertThat(forged.status()).as(forged.body()).isEqualTo(401);
    TimeUnit.MILLISECONDS.sleep(500);
    LoopbackHttp.Response ready = node.node().call(() -> LoopbackHttp.get(port, "/readyz"));
    assertThat(ready.body()).as("still the first revision").doesNotContain(sha);
    assertLanding(true);
  }

  private void commitAndPush(boolean xwingServed) throws Exception {
    sha =
        upstream
            .write("policies/rule1.yaml", xwingServed ? allow : deny)
            .commit(xwingServed ? "xwing may land" : "xwing refused");
    upstream.push();
  }

  /** One signed webhook call for the pushed {@code sha}, and how long until it was in force. */
  private PushLatencies.Sample signedPush(boolean xwingServed) throws Exception {
    String signature = GitHubSignature.of(TOKEN, PUSH_EVENT);
    long called = System.nanoTime();
    String pushed = sha;
    LoopbackHttp.Response answer = node.node().call(() -> callHook(port, hook, signature));
    assertThat(answer.status()).as(answer.body()).isEqualTo(202);
    var ready =
        NamespaceThread.start(
            node.node(), "readyz-watch", () -> awaitReadyAt(port, pushed, called));
    Duration packets =
        VerdictWatch.firstMeeting(pod("xwing"), ip("deathstar"), 80, xwingServed, called, LIMIT);
    Duration readyz = ready.result().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    TimedLog log = standalone.log();
    TimedLog.Line resolved =
        log.first(Pattern.compile("generation \\d+ at main@sha1:" + sha), called).orElseThrow();
    // The pipeline writes the maps before it reports the generation resolved: both follow the call.
    TimedLog.Line inMaps = log.first(Pattern.compile("datapath generation"), called).orElseThrow();
    return new PushLatencies.Sample(
        readyz,
        packets,
        Duration.ofNanos(resolved.nanos() - called),
        Duration.ofNanos(inMaps.nanos() - called));
  }

  /**
   * Polls /readyz until it reports {@code sha} in force; how long after {@code since} it did. Runs
   * on a thread of the node's namespace, where standalone mode serves.
   */
  private static Duration awaitReadyAt(int port, String sha, long since) throws Exception {
    long deadline = since + LIMIT.toNanos();
    while (true) {
      LoopbackHttp.Response r = LoopbackHttp.get(port, "/readyz");
      long now = System.nanoTime();
      if (r.status() == 200 && r.body().contains("sha1:" + sha)) {
        return Duration.ofNanos(now - since);
      }
      assertThat(now).as("/readyz at %s within %s, last: %s", sha, LIMIT, r).isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }

  private static LoopbackHttp.Response callHook(int port, String hook, String signature)
      throws Exception {
    return LoopbackHttp.post(port, hook, Map.of(GitHubSignature.HEADER, signature), PUSH_EVENT);
  }

  /** The tiefighter is always served; the xwing as the policy in force says. */
  private void assertLanding(boolean xwingServed) {
    String deathstar = ip("deathstar");
    assertThat(Probes.tcp(pod("tiefighter"), deathstar, 80, CONFIRM))
        .as("tiefighter -> deathstar:80")
        .isTrue();
    assertThat(Probes.tcp(pod("xwing"), deathstar, 80, CONFIRM))
        .as("xwing -> deathstar:80")
        .isEqualTo(xwingServed);
  }

  /** The sample policy with the Alliance admitted beside the Empire. */
  private static String allowXwing(String deny) {
    String empire = "            org: empire\n";
    assertThat(deny).contains(empire);
    return deny.replace(empire, empire + "        - matchLabels:\n            org: alliance\n");
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

  private String ip(String name) {
    return node.pod("default/" + name).spec().ip();
  }

  private static void closeAll(List<AutoCloseable> cleanup) throws Exception {
    Exception failure = null;
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
