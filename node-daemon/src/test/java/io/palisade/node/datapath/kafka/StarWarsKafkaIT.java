package io.palisade.node.datapath.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.demo.KafkaBroker;
import io.palisade.demo.KafkaClient;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.NodeProxy;
import io.palisade.node.datapath.ProxyRouting;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.FileModePipeline;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodJvm;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Topology;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.proxy.ProxyEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cilium's Star Wars Kafka demo on real packets: Apache Kafka's own KRaft broker in the {@code
 * kafka-broker} pod's namespace, Kafka's own clients in the {@code empire-hq}, {@code
 * empire-outpost} pods' namespaces, Cilium's {@code kafka-sw-security-policy.yaml} through the
 * file-mode pipeline into a {@link DatapathApplier} with the embedded proxy. The clients' traffic
 * to port 9092 is redirected by the eBPF datapath to the Kafka proxy, which forwards what the rules
 * allow and answers the rest with Kafka's authorization errors; a pod no rule names cannot connect.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StarWarsKafkaIT {

  static final Path SAMPLES = Path.of("..", "config", "samples", "kafka");
  static final String BROKER = "10.42.1.10";
  static final String HQ = "10.42.1.11";
  static final String OUTPOST = "10.42.1.12";
  static final String REBEL = "10.42.1.13";
  static final String BOOTSTRAP = BROKER + ":9092";
  static final Duration GUARD = Duration.ofSeconds(120);

  /** A pod the policy names nowhere: it has an identity, and no rule admits it to the broker. */
  static final String REBEL_POD =
      """
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: rebel-spy
        namespace: default
        labels:
          app: rebel-spy
      status:
        podIP: %s
      """
          .formatted(REBEL);

  private final ConcurrentLinkedQueue<ProxyEvent> events = new ConcurrentLinkedQueue<>();
  private Path pins;
  private BpfFsGuard bpfFs;
  private Topology topology;
  private Datapath dp;
  private NodeProxy proxy;
  private PodJvm broker;
  private Path brokerDir;

  @BeforeAll
  void start() throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    bpfFs = new BpfFsGuard();
    topology =
        Topology.create(
            run,
            List.of(
                pod("kafka-broker", "kafka", BROKER),
                pod("empire-hq", "empire-hq", HQ),
                pod("empire-outpost", "empire-outpost", OUTPOST),
                pod("rebel-spy", "rebel-spy", REBEL)),
            List.of());
    brokerDir = Files.createTempDirectory("palisade-kafka-broker-");
    // The broker starts in 20-40 s; the datapath and the policy are set up meanwhile.
    broker =
        PodJvm.start(
            topology.pod("default/kafka-broker").netns(),
            KafkaBroker.class,
            List.of(
                BOOTSTRAP,
                brokerDir.toString(),
                "deathstar-plans",
                "empire-announce",
                "rebel-secrets"));
    dp = topology.node().call(() -> Datapath.open(pins));
    proxy =
        topology
            .node()
            .call(
                () -> {
                  dp.enableProxyRedirect();
                  return EmbeddedNodeProxy.start(events::add);
                });
    applyThePolicy();
    assertTimeoutPreemptively(GUARD, () -> broker.await(List.of("READY"), 110));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (broker != null) {
        broker.close();
      }
      if (proxy != null) {
        proxy.close();
      }
      if (dp != null) {
        dp.close();
        topology.node().call(() -> ProxyRouting.uninstall(false));
      }
    } finally {
      if (pins != null) {
        Datapath.unpinAll(pins);
      }
      if (topology != null) {
        topology.close();
      }
      if (bpfFs != null) {
        bpfFs.close();
      }
      if (brokerDir != null) {
        deleteTree(brokerDir);
      }
    }
  }

  private void applyThePolicy() throws IOException {
    DatapathApplier applier = new DatapathApplier(dp, "local", topology.finder()).withProxy(proxy);
    LocalPipeline pipeline =
        FileModePipeline.of(
            applier,
            "samples",
            new PolicyLoader()
                .load(List.of(SAMPLES.resolve("policies/kafka-sw-security-policy.yaml"))),
            Files.readString(SAMPLES.resolve("cluster.yaml")) + REBEL_POD);
    topology.node().call(pipeline::run);
    assertThat(applier.pending()).isEmpty();
    assertThat(dp.readyProxyPorts()).contains(15090);
  }

  @Test
  void headquartersProducesAnAnnouncementAndTheOutpostConsumesIt() {
    long proxied = count(Reason.FWD_PROXY);
    assertThat(client("empire-hq", "produce", "empire-hq", "empire-announce", "Vader is coming"))
        .isEqualTo("PRODUCED Vader is coming");
    assertThat(client("empire-outpost", "consume", "outpost-7", "empire-announce", "outposts"))
        .isEqualTo("CONSUMED Vader is coming");
    assertThat(count(Reason.FWD_PROXY)).isGreaterThan(proxied);
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.verdict()).isEqualTo(ProxyEvent.Verdict.ALLOWED);
              assertThat(e.path()).startsWith("produce").contains("empire-announce");
            })
        .anySatisfy(
            e -> {
              assertThat(e.verdict()).isEqualTo(ProxyEvent.Verdict.ALLOWED);
              assertThat(e.path()).startsWith("fetch").contains("empire-announce");
            });
  }

  @Test
  void aTopicNoRuleGivesHeadquartersIsRefusedWithTopicAuthorizationFailed() {
    assertThat(client("empire-hq", "produce", "empire-hq", "rebel-secrets", "stolen plans"))
        .isEqualTo("REFUSED TopicAuthorizationException");
    // The proxy asked the broker's metadata without the topic and marked it refused: the
    // producer stops there and never sends the record.
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e.path())
                    .startsWith("metadata")
                    .contains("rebel-secrets")
                    .contains("(1 refused)"))
        .noneSatisfy(e -> assertThat(e.path()).contains("produce").contains("rebel-secrets"));
  }

  @Test
  void theOutpostMayConsumeAnnouncementsButNotProduceThem() {
    assertThat(client("empire-outpost", "produce", "outpost-7", "empire-announce", "fake news"))
        .isEqualTo("REFUSED TopicAuthorizationException");
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.verdict()).isEqualTo(ProxyEvent.Verdict.DENIED);
              assertThat(e.path())
                  .contains("produce")
                  .contains("empire-announce")
                  .contains("client outpost-7")
                  .contains("TOPIC_AUTHORIZATION_FAILED");
            });
  }

  @Test
  void aPodNoRuleNamesCannotReachTheBrokerAtAll() throws IOException {
    long dropped = count(Reason.DROP_POLICY);
    assertThat(connect(topology.pod("default/rebel-spy").netns())).isEqualTo("no connection");
    assertThat(count(Reason.DROP_POLICY)).isGreaterThan(dropped);
  }

  /** One Kafka client operation from {@code pod}'s namespace; its one-line outcome. */
  private String client(String pod, String... args) {
    return assertTimeoutPreemptively(
        GUARD,
        () -> {
          List<String> all = List.of(args);
          List<String> withBootstrap = new ArrayList<>(List.of(all.get(0), BOOTSTRAP));
          withBootstrap.addAll(all.subList(1, all.size()));
          try (PodJvm c =
              PodJvm.start(
                  topology.pod("default/" + pod).netns(), KafkaClient.class, withBootstrap)) {
            String line = c.await(List.of("PRODUCED", "CONSUMED", "REFUSED", "FAILED"), 100);
            System.out.printf("%s %s -> %s%n", pod, all, line);
            return line;
          }
        });
  }

  /** A plain TCP connection to the broker's port from {@code pod}: the datapath's verdict. */
  private static String connect(NetNs pod) throws IOException {
    try (SocketChannel ch = pod.call(SocketChannel::open)) {
      ch.socket().connect(new InetSocketAddress(BROKER, 9092), 3000);
      return "connected";
    } catch (SocketTimeoutException e) {
      return "no connection";
    }
  }

  private long count(Reason reason) {
    long[] c =
        dp.verdictCounters().get(Layouts.DIR_INGRESS * Layouts.COUNTER_SLOTS + reason.slot());
    return c == null ? 0 : c[0];
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static PodSpec pod(String name, String app, String ip) {
    return new PodSpec("default", name, Map.of("app", app), ip);
  }
}
