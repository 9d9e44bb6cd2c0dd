package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.node.bpf.RogueWriter;
import io.palisade.node.harness.DaemonProcess;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.NetNs;
import io.palisade.node.maps.EndpointValue;
import io.palisade.node.maps.PolicyKey;
import io.palisade.node.maps.PolicyValue;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * One writer per datapath, on real packets: a second open of the same pins is refused (in this
 * process and from a second daemon process, which exits naming the first one's PID), and an entry
 * written behind the datapath's back, as a second enforcer would, is repaired within the period or
 * on SIGHUP, counted, and the verdicts are the engine's again.
 */
class OneWriterIT extends NodeScenarios {

  private static final String BACKEND_FROM_FRONTEND =
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

  private static final Flow DB_TO_BACKEND = Flow.tcp(DB, BACKEND, 80);

  private static final List<Flow> FLOWS =
      List.of(
          Flow.tcp(FRONTEND, BACKEND, 80),
          DB_TO_BACKEND,
          Flow.tcp(STRANGER, BACKEND, 80),
          Flow.udp(FRONTEND, BACKEND, 53),
          Flow.tcp(BACKEND, DB, 80),
          Flow.icmp(DB, BACKEND));

  @Test
  void aSecondOpenOfTheSamePinsIsRefusedUntilTheFirstCloses() {
    long self = ProcessHandle.current().pid();
    assertThatThrownBy(() -> Datapath.open(node.pinRoot()))
        .isInstanceOfSatisfying(
            DatapathBusyException.class, e -> assertThat(e.holder()).contains(self))
        .hasMessageStartingWith(
            "the datapath pinned under "
                + node.pinRoot()
                + " is already written by process "
                + self
                + " (");
    node.killDaemon();
    try {
      Datapath.open(node.pinRoot()).close(); // the lock went with the first one's close
    } finally {
      node.startDaemon();
    }
  }

  @Test
  void anEntryWrittenBehindTheDatapathsBackIsRepairedWithinThePeriod() throws Exception {
    node.enforce(BACKEND_FROM_FRONTEND);
    assertThat(node.reachable(DB_TO_BACKEND)).isFalse();
    long before = node.datapath().repairedEntries().get(MapNames.POLICY_EXACT);
    widenBehindItsBack();
    assertThat(node.reachable(DB_TO_BACKEND)).as("the drift really opened access").isTrue();

    List<String> lines = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    try (DriftRepair repair =
        DriftRepair.start(node.datapath(), Duration.ofSeconds(1), lines::add)) {
      while (lines.isEmpty() && System.nanoTime() - started < 10_000_000_000L) {
        Thread.sleep(20);
      }
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("drift repair: found and repaired %d ms after the period started%n", ms);
    assertThat(lines)
        .singleElement()
        .asString()
        .startsWith("repaired 1 map entries that differed from the desired state (policy=1 ");
    assertThat(ms).as("repaired within the 1 s period").isLessThan(2_000);
    assertThat(node.datapath().repairedEntries())
        .containsEntry(MapNames.POLICY_EXACT, before + 1)
        .containsEntry(MapNames.ENDPOINTS, 0L);
    assertMatchesEngine(FLOWS);
  }

  @Test
  void aSecondDaemonExitsNamingTheFirstWhichRepairsDriftOnSighup() throws Exception {
    node.prepare(BACKEND_FROM_FRONTEND);
    Path openAll = Files.createTempDirectory("palisade-open-all");
    Files.writeString(
        openAll.resolve("policy.yaml"),
        BACKEND_FROM_FRONTEND.replace("[{matchLabels: {app: frontend}}]", "[{}]"));
    node.killDaemon(); // the daemon process is the one writer now
    try (DaemonProcess first =
        DaemonProcess.start(
            node.topology().node(),
            daemonArgs(
                node.policyDir().resolve("policy.yaml"),
                "--repair-interval",
                "0s",
                "--metrics-port",
                "19964"))) {
      // The repair thread starts with the HTTP server, before the first apply.
      first.await("palisade-node: the maps are read back on SIGHUP");
      first.await("palisade-node: applied");
      assertMatchesEngine(FLOWS);

      // The regression: a second enforcer on the same pins used to rewrite the maps to its own
      // policy (4 of 6 verdicts wrong). Now it stops before it loads anything.
      String second;
      try (DaemonProcess other =
          DaemonProcess.start(node.topology().node(), daemonArgs(openAll.resolve("policy.yaml")))) {
        assertThat(other.awaitExit()).isEqualTo(1);
        second = other.output();
      }
      System.out.println("second daemon: " + second);
      assertThat(second)
          .contains(
              "palisade-node: the datapath pinned under "
                  + node.pinRoot()
                  + " is already written by process "
                  + first.pid())
          .doesNotContain("applied")
          .doesNotContain("Exception");
      assertMatchesEngine(FLOWS);

      widenBehindItsBack();
      assertThat(node.reachable(DB_TO_BACKEND)).as("the drift really opened access").isTrue();
      first.hangUp();
      assertThat(first.await("palisade-node: repaired"))
          .startsWith("palisade-node: repaired 1 map entries that differed");
      assertMatchesEngine(FLOWS);
      assertThat(httpGet(node.topology().node(), 19964, "/metrics"))
          .contains("palisade_datapath_repaired_entries_total{map=\"pal_policy_exact\"} 1.0\n")
          .contains("palisade_datapath_repaired_entries_total{map=\"pal_endpoints\"} 0.0\n");
      first.hangUp();
      assertThat(first.await("palisade-node: maps checked"))
          .isEqualTo("palisade-node: maps checked on request: no drift from the desired state");
    } finally {
      node.startDaemon();
      Files.deleteIfExists(openAll.resolve("policy.yaml"));
      Files.deleteIfExists(openAll);
    }
  }

  /** An allow for the db into the backend's port 80, written by a second handle on the pin. */
  private static void widenBehindItsBack() {
    long backend = identity(BACKEND);
    long db = identity(DB);
    MapStateKey key = MapStateKey.port(Direction.INGRESS, db, Protocol.TCP, 80);
    try (var rogue =
        RogueWriter.open(node.pinRoot().resolve(MapNames.POLICY_EXACT), PolicyKey.CODEC)) {
      rogue.put(
          new PolicyKey(backend, key), PolicyValue.of(key, MapStateEntry.ALLOW, Direction.INGRESS));
    }
  }

  /** The pod's identity as whoever wrote the maps allocated it, read from the endpoints map. */
  private static long identity(String pod) {
    CidrPrefix address = CidrPrefix.parse(node.address(pod) + "/32").orElseThrow();
    try (var endpoints =
        RogueWriter.open(node.pinRoot().resolve(MapNames.ENDPOINTS), EndpointValue.CODEC)) {
      return endpoints.get(address).orElseThrow().identity();
    }
  }

  private static List<String> daemonArgs(Path policy, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--policies", policy.toString()));
    args.addAll(List.of("--cluster", node.policyDir().resolve("cluster.yaml.txt").toString()));
    args.addAll(List.of("--pin-root", node.pinRoot().toString()));
    for (Map.Entry<String, String> e : node.topology().veths().entrySet()) {
      args.addAll(List.of("--veth", e.getKey() + "=" + e.getValue()));
    }
    args.addAll(List.of(more));
    return args;
  }

  private static String httpGet(NetNs ns, int port, String path) throws Exception {
    try (SocketChannel ch = ns.call(SocketChannel::open)) {
      ch.socket().connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
      ch.socket().setSoTimeout(5000);
      ch.socket()
          .getOutputStream()
          .write(("GET " + path + " HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return new String(ch.socket().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
