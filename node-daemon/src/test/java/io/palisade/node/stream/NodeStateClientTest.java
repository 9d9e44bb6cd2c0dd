package io.palisade.node.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.node.discovery.Placement;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.proto.nodestate.v1.Ack;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.Endpoint;
import io.palisade.proto.nodestate.v1.IdentityPolicy;
import io.palisade.proto.nodestate.v1.IpcacheEntry;
import io.palisade.proto.nodestate.v1.MapStateEntry;
import io.palisade.proto.nodestate.v1.MapStateKey;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import io.palisade.proto.nodestate.v1.PolicyChange;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's side of the stream against a real gRPC node-state server on loopback. */
class NodeStateClientTest {

  private static final String NODE = "node-a";
  private static final long DEATHSTAR = 100;
  private static final long TIEFIGHTER = 200;
  private static final long XWING = 300;

  @TempDir Path dir;

  private final List<DatapathState> applied = new CopyOnWriteArrayList<>();
  private final Map<CidrPrefix, String> veths =
      new ConcurrentHashMap<>(
          Map.of(prefix("10.0.0.1/32"), "lxc-deathstar", prefix("10.0.0.9/32"), "lxc-other"));
  private volatile String failNext;
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
  private TestOperator operator;
  private NodeStateClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void appliesAndAcksTheSnapshotThenADeltaAndResumesAfterReconnectAndRestart() throws Exception {
    operator = new TestOperator(0, "e1", 1, snapshot1(), List.of());
    int port = operator.port();
    client = client().start();

    // The snapshot: into the maps, then acked.
    await(() -> acked(operator, 1));
    assertThat(operator.hellos.getFirst().getLastAppliedRevision()).isZero();
    assertThat(operator.hellos.getFirst().getNodeName()).isEqualTo(NODE);
    DatapathState s1 = applied.getLast();
    assertThat(s1.ipcache())
        .containsEntry(prefix("10.0.0.1/32"), DEATHSTAR)
        .containsEntry(prefix("10.0.0.2/32"), TIEFIGHTER);
    assertThat(s1.endpoints())
        .containsExactly(new LocalEndpoint(prefix("10.0.0.1/32"), DEATHSTAR, "lxc-deathstar"));
    assertThat(s1.policies().get(DEATHSTAR).enforces(Direction.INGRESS)).isTrue();
    assertThat(verdict(s1, TIEFIGHTER)).contains(Verdict.ALLOW);
    assertThat(verdict(s1, XWING)).isEmpty();

    // A delta: the xwing appears and is let in, the tiefighter is no longer.
    operator.publish(delta2(), snapshot1());
    await(() -> acked(operator, 2));
    DatapathState s2 = applied.getLast();
    assertThat(s2.ipcache()).containsEntry(prefix("10.0.0.3/32"), XWING);
    assertThat(verdict(s2, XWING)).contains(Verdict.ALLOW);
    assertThat(verdict(s2, TIEFIGHTER)).isEmpty();
    assertThat(client.revision()).isEqualTo(2);

    // The operator goes away and comes back on the same port with revision 3: the daemon
    // reconnects, says it holds 2, and gets the one delta, not a snapshot.
    operator.close();
    OperatorMessage d3 =
        OperatorMessage.newBuilder()
            .setEpoch("e1")
            .setRevision(3)
            .setDelta(
                Delta.newBuilder()
                    .setBaseRevision(2)
                    .addIpcacheUpserts(ipcache("10.0.0.4/32", XWING)))
            .build();
    operator = new TestOperator(port, "e1", 3, snapshot1(), List.of(d3));
    await(() -> acked(operator, 3));
    assertThat(operator.hellos.getFirst().getEpoch()).isEqualTo("e1");
    assertThat(operator.hellos.getFirst().getLastAppliedRevision()).isEqualTo(2);
    assertThat(operator.sent).containsExactly(d3);
    assertThat(applied.getLast().ipcache())
        .containsEntry(prefix("10.0.0.4/32"), XWING)
        .containsEntry(prefix("10.0.0.3/32"), XWING);

    // A restarted daemon reads its revision back from the state file and is sent nothing.
    client.close();
    int before = operator.hellos.size();
    client = client();
    assertThat(client.revision()).isEqualTo(3);
    client.start();
    await(() -> operator.hellos.size() > before);
    assertThat(operator.hellos.getLast().getLastAppliedRevision()).isEqualTo(3);
    Thread.sleep(200);
    assertThat(operator.sent).containsExactly(d3);

    // A delta on the restored state applies on top of what the file held.
    operator.publish(
        Delta.newBuilder().addEndpointDeletes("default/deathstar").addIpcacheDeletes("10.0.0.4/32"),
        snapshot1());
    await(() -> acked(operator, 4));
    assertThat(applied.getLast().endpoints()).isEmpty();
    assertThat(applied.getLast().ipcache())
        .containsEntry(prefix("10.0.0.3/32"), XWING)
        .doesNotContainKey(prefix("10.0.0.4/32"));
  }

  @Test
  void aFailedApplyIsNackedKeepsThePreviousStateAndResyncs() throws Exception {
    operator = new TestOperator(0, "e1", 1, snapshot1(), List.of());
    client = client().start();
    await(() -> acked(operator, 1));
    DatapathState s1 = applied.getLast();

    failNext = "policy map full";
    operator.publish(delta2(), snapshot1());
    await(
        () ->
            operator.acks.stream()
                .anyMatch(a -> a.getRevision() == 2 && a.getError().equals("policy map full")));
    assertThat(client.revision()).isEqualTo(1);

    // The daemon ends the stream, says hello again from revision 1, and gets revision 2 again.
    await(() -> acked(operator, 2));
    assertThat(operator.hellos).hasSizeGreaterThanOrEqualTo(2);
    assertThat(operator.hellos.getLast().getLastAppliedRevision()).isEqualTo(1);
    assertThat(verdict(applied.getLast(), XWING)).contains(Verdict.ALLOW);
    assertThat(verdict(s1, XWING)).isEmpty();
  }

  @Test
  void aRevisionWhoseEndpointHasNoInterfaceIsNotAckedUntilTheInterfaceAppears() throws Exception {
    veths.remove(prefix("10.0.0.1/32"));
    operator = new TestOperator(0, "e1", 1, snapshot1(), List.of());
    client = client().start(Duration.ofMillis(50), Thread.ofPlatform().daemon().factory());

    // In the maps, but the deathstar is not enforced: the ack names it and says it is an error.
    await(() -> operator.acks.stream().anyMatch(a -> a.getPendingCount() == 1));
    Ack pending = operator.acks.getFirst();
    assertThat(pending.getRevision()).isEqualTo(1);
    assertThat(pending.getError()).contains("1 endpoint not enforced yet");
    assertThat(pending.getPending(0))
        .isEqualTo("default/deathstar 10.0.0.1 (no veth in the test's table)");
    assertThat(acked(operator, 1)).isFalse();
    assertThat(client.revision()).isEqualTo(1);
    assertThat(client.pending()).hasSize(1);
    assertThat(applied.getLast().endpoints()).isEmpty();
    assertThat(operator.hellos).hasSize(1); // a pending revision is no failure: no resync

    // Its veth appears: bound on the next refresh, and only then acked.
    veths.put(prefix("10.0.0.1/32"), "lxc-deathstar");
    await(() -> acked(operator, 1));
    assertThat(applied.getLast().endpoints())
        .containsExactly(new LocalEndpoint(prefix("10.0.0.1/32"), DEATHSTAR, "lxc-deathstar"));
    assertThat(client.pending()).isEmpty();

    // It goes away again: the operator is told the revision it acked is no longer all enforced.
    int before = operator.acks.size();
    veths.remove(prefix("10.0.0.1/32"));
    await(() -> operator.acks.size() > before && operator.acks.getLast().getPendingCount() == 1);
    assertThat(applied.getLast().endpoints()).isEmpty();
  }

  @Test
  void theProxyGetsEachRevisionBeforeTheMapsAndARefusalIsAckedWithoutUndoingTheMaps()
      throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    AtomicReference<String> refusal =
        new AtomicReference<>("the node's L7 proxy refused the config: bad regex");
    NodeStateClient.Applier applier =
        new NodeStateClient.Applier() {
          @Override
          public Map<String, String> apply(DatapathState desired) {
            order.add("maps");
            applied.add(desired);
            return Map.of();
          }

          @Override
          public String applyProxy(
              io.palisade.pipeline.model.LocalState local, Map<String, Long> peers) {
            order.add("proxy " + local.endpoints().keySet());
            return refusal.get();
          }
        };
    operator = new TestOperator(0, "e1", 1, snapshot1(), List.of());
    client =
        new NodeStateClient(
                NODE,
                NodeStateClient.insecureChannel("127.0.0.1:" + operator.port()),
                applier,
                (endpoint, p) -> new Placement.Here("lxc-deathstar"),
                Optional.empty(),
                log,
                Duration.ofMillis(50),
                Duration.ofMillis(200))
            .start();

    // Revision 1 is in the maps (L3/L4 enforced); its ack names the refusal, not a pending pod.
    await(() -> operator.acks.stream().anyMatch(a -> a.getRevision() == 1));
    Ack refused = operator.acks.getFirst();
    assertThat(refused.getError()).isEqualTo(refusal.get());
    assertThat(refused.getPendingCount()).isZero();
    assertThat(order).containsExactly("proxy [default/deathstar]", "maps");
    assertThat(client.revision()).isEqualTo(1);

    // No resync for it: the next delta comes on the same stream, and the proxy takes it.
    refusal.set("");
    operator.publish(delta2(), snapshot1());
    await(() -> acked(operator, 2));
    assertThat(operator.hellos).hasSize(1);
    assertThat(order)
        .containsExactly("proxy [default/deathstar]", "maps", "proxy [default/deathstar]", "maps");
  }

  @Test
  void theProxyGetsTheStreamsKafkaAndDnsRulesAndFqdnSelectorsAndKeepsThemAcrossARestart()
      throws Exception {
    List<io.palisade.pipeline.model.LocalState> proxied = new CopyOnWriteArrayList<>();
    List<Map<String, Long>> peers = new CopyOnWriteArrayList<>();
    Path stateFile = dir.resolve("l7-state.pb");
    java.util.function.Supplier<NodeStateClient> start =
        () ->
            new NodeStateClient(
                NODE,
                NodeStateClient.insecureChannel("127.0.0.1:" + operator.port()),
                new NodeStateClient.Applier() {
                  @Override
                  public Map<String, String> apply(DatapathState desired) {
                    applied.add(desired);
                    return Map.of();
                  }

                  @Override
                  public String applyProxy(
                      io.palisade.pipeline.model.LocalState local, Map<String, Long> ipcache) {
                    proxied.add(local);
                    peers.add(ipcache);
                    return "";
                  }

                  // As the DNS proxy's learned addresses do: the proxy is asked again on refresh.
                  @Override
                  public boolean proxyChangesOnItsOwn() {
                    return true;
                  }
                },
                (endpoint, p) -> new Placement.Here("lxc-deathstar"),
                Optional.of(stateFile),
                log,
                Duration.ofMillis(50),
                Duration.ofMillis(200));
    operator = new TestOperator(0, "e1", 1, l7Snapshot(), List.of());
    client = start.get().start(Duration.ofMillis(50), Thread.ofPlatform().daemon().factory());
    await(() -> acked(operator, 1));

    var local = proxied.getLast();
    var kafka =
        io.palisade.proxy.kafka.KafkaConfig.of(
            io.palisade.pipeline.model.NodeL7.of(local), peers.getLast());
    assertThat(
            kafka.rulesFor(
                15090,
                java.net.InetAddress.getByName("10.0.0.2"),
                java.net.InetAddress.getByName("10.0.0.1"),
                9092))
        .as("the tiefighter's Kafka connection to the deathstar")
        .containsExactly(
            new io.palisade.crds.api.PortRuleKafka("produce", null, null, null, "deathstar-plans"));
    assertThat(
            kafka.rulesFor(
                15090,
                java.net.InetAddress.getByName("10.0.0.3"),
                java.net.InetAddress.getByName("10.0.0.1"),
                9092))
        .as("the xwing has no Kafka rule")
        .isEmpty();
    var dns = io.palisade.node.fqdn.NodeDnsPolicy.of(local, peers.getLast());
    var pod = new java.net.InetSocketAddress("10.0.0.1", 40000);
    var resolver = new java.net.InetSocketAddress("10.0.0.53", 53);
    assertThat(dns.decide(pod, resolver, "plans.empire.local.").allowed()).isTrue();
    assertThat(dns.decide(pod, resolver, "base.rebels.org.").allowed()).isFalse();
    assertThat(local.fqdnSelectors())
        .containsExactly(Map.entry(FQDN_A, "matchName=plans.empire.local."));

    // A delta trades one selector identity for another; the proxy learns for the new one only.
    operator.publish(
        Delta.newBuilder()
            .addFqdnSelectorDeletes(FQDN_A)
            .addFqdnSelectorUpserts(
                io.palisade.proto.nodestate.v1.FqdnSelectorIdentity.newBuilder()
                    .setIdentity(FQDN_B)
                    .setSelector("matchPattern=*.empire.local.")),
        l7Snapshot());
    await(() -> acked(operator, 2));
    assertThat(proxied.getLast().fqdnSelectors())
        .containsExactly(Map.entry(FQDN_B, "matchPattern=*.empire.local."));

    // A restarted daemon reads the selectors and rules back from its state file and gives them to
    // its proxy without any operator message (none comes when its revision is current).
    client.close();
    operator.close();
    operator = null;
    proxied.clear();
    client =
        new NodeStateClient(
                NODE,
                NodeStateClient.insecureChannel("127.0.0.1:1"),
                proxyOnly(proxied),
                (endpoint, p) -> new Placement.Here("lxc-deathstar"),
                Optional.of(stateFile),
                log,
                Duration.ofMillis(50),
                Duration.ofMillis(200))
            .start(Duration.ofMillis(50), Thread.ofPlatform().daemon().factory());
    assertThat(client.revision()).isEqualTo(2);
    await(() -> !proxied.isEmpty());
    assertThat(proxied.getLast().fqdnSelectors())
        .containsExactly(Map.entry(FQDN_B, "matchPattern=*.empire.local."));
    assertThat(
            io.palisade.node.fqdn.NodeDnsPolicy.of(proxied.getLast(), Map.of("10.0.0.53/32", 400L))
                .decide(pod, resolver, "plans.empire.local.")
                .allowed())
        .isTrue();
  }

  @Test
  void addressesTheDnsProxyLearnedGoIntoTheMapsUnderTheStreamsIpcacheAndAFailedWriteThrows()
      throws Exception {
    Map<String, Long> learned = new ConcurrentHashMap<>();
    NodeStateClient.Applier applier =
        new NodeStateClient.Applier() {
          @Override
          public Map<String, String> apply(DatapathState desired) {
            String why = failNext;
            if (why != null) {
              failNext = null;
              throw new IllegalStateException(why);
            }
            applied.add(desired);
            return Map.of();
          }

          @Override
          public Map<String, Long> learnedIpcache() {
            return Map.copyOf(learned);
          }
        };
    operator = new TestOperator(0, "e1", 1, l7Snapshot(), List.of());
    client =
        new NodeStateClient(
                NODE,
                NodeStateClient.insecureChannel("127.0.0.1:" + operator.port()),
                applier,
                (endpoint, p) -> new Placement.Here("lxc-deathstar"),
                Optional.empty(),
                log,
                Duration.ofMillis(50),
                Duration.ofMillis(200))
            .start();
    await(() -> acked(operator, 1));
    int writes = applied.size();

    learned.put("10.99.0.1/32", FQDN_A);
    learned.put("10.0.0.2/32", FQDN_A); // the tiefighter's: the stream's entry wins
    client.applyLearned();
    assertThat(applied).hasSize(writes + 1);
    assertThat(applied.getLast().ipcache())
        .containsEntry(prefix("10.99.0.1/32"), FQDN_A)
        .containsEntry(prefix("10.0.0.2/32"), TIEFIGHTER);
    client.applyLearned();
    assertThat(applied).as("nothing new learned, nothing written").hasSize(writes + 1);

    learned.put("10.99.0.2/32", FQDN_A);
    failNext = "ipcache map full";
    assertThatThrownBy(client::applyLearned).hasMessageContaining("ipcache map full");
    assertThat(applied.getLast().ipcache()).doesNotContainKey(prefix("10.99.0.2/32"));
    client.applyLearned();
    assertThat(applied.getLast().ipcache()).containsEntry(prefix("10.99.0.2/32"), FQDN_A);

    // The next revision keeps them.
    operator.publish(delta2(), l7Snapshot());
    await(() -> acked(operator, 2));
    assertThat(applied.getLast().ipcache())
        .containsEntry(prefix("10.99.0.1/32"), FQDN_A)
        .containsEntry(prefix("10.0.0.3/32"), XWING);
  }

  private NodeStateClient.Applier proxyOnly(List<io.palisade.pipeline.model.LocalState> proxied) {
    return new NodeStateClient.Applier() {
      @Override
      public Map<String, String> apply(DatapathState desired) {
        applied.add(desired);
        return Map.of();
      }

      @Override
      public String applyProxy(io.palisade.pipeline.model.LocalState local, Map<String, Long> p) {
        proxied.add(local);
        return "";
      }
    };
  }

  private static final long RESOLVER = 400;
  private static final long FQDN_A = (1L << 24) | 1;
  private static final long FQDN_B = (1L << 24) | 2;

  /** The deathstar takes the tiefighter's Kafka produce, and asks the resolver empire names. */
  private static Snapshot l7Snapshot() {
    MapStateKey kafka =
        MapStateKey.newBuilder()
            .setDirection(io.palisade.proto.nodestate.v1.Direction.INGRESS)
            .setPeerIdentity(TIEFIGHTER)
            .setProtocol(6)
            .setPort(9092)
            .setPortPrefixBits(16)
            .build();
    MapStateKey dns =
        MapStateKey.newBuilder()
            .setDirection(io.palisade.proto.nodestate.v1.Direction.EGRESS)
            .setPeerIdentity(RESOLVER)
            .setProtocol(17)
            .setPort(53)
            .setPortPrefixBits(16)
            .build();
    return snapshot1().toBuilder()
        .addIpcache(ipcache("10.0.0.3/32", XWING))
        .addIpcache(ipcache("10.0.0.53/32", RESOLVER))
        .setPolicies(
            0,
            snapshot1().getPolicies(0).toBuilder()
                .setEnforceEgress(true)
                .addEntries(
                    MapStateEntry.newBuilder()
                        .setKey(kafka)
                        .setVerdict(io.palisade.proto.nodestate.v1.Verdict.REDIRECT)
                        .setL7Parser(io.palisade.proto.nodestate.v1.L7Parser.KAFKA)
                        .setProxyPort(15090)
                        .addKafkaRules(
                            io.palisade.proto.nodestate.v1.KafkaRule.newBuilder()
                                .setRole("produce")
                                .setTopic("deathstar-plans")
                                .addOrigins(
                                    "CiliumNetworkPolicy default/kafka"
                                        + " spec.ingress[0].toPorts[0].rules.kafka[0]")))
                .addEntries(
                    MapStateEntry.newBuilder()
                        .setKey(dns)
                        .setVerdict(io.palisade.proto.nodestate.v1.Verdict.REDIRECT)
                        .setL7Parser(io.palisade.proto.nodestate.v1.L7Parser.DNS)
                        .setProxyPort(15054)
                        .addDnsRules(
                            io.palisade.proto.nodestate.v1.DnsRule.newBuilder()
                                .setMatchPattern("*.empire.local"))))
        .addFqdnSelectors(
            io.palisade.proto.nodestate.v1.FqdnSelectorIdentity.newBuilder()
                .setIdentity(FQDN_A)
                .setSelector("matchName=plans.empire.local."))
        .build();
  }

  @Test
  void aDeltaOnAnotherRevisionIsRefused() throws Exception {
    client = client();
    Ack ack =
        client.handle(
            OperatorMessage.newBuilder()
                .setEpoch("e1")
                .setRevision(5)
                .setDelta(Delta.newBuilder().setBaseRevision(4))
                .build());
    assertThat(ack.getError()).contains("revision 4");
    assertThat(applied).isEmpty();
    assertThat(client.revision()).isZero();
  }

  @Test
  void refusesAPlainTextOperatorUnlessToldInsecure() throws Exception {
    operator = new TestOperator(0, "e1", 1, snapshot1(), List.of());
    String at = "127.0.0.1:" + operator.port();

    // By default the command line refuses, in one line naming the way out.
    assertThatThrownBy(() -> StreamOptions.parse("--node", NODE, "--operator", at))
        .hasMessageStartingWith(
            "--operator "
                + at
                + " would be plain text, which anyone on the path can read and forge: give"
                + " --tls-cert, --tls-key and --tls-ca, --tls-auto, or --insecure to allow it\n");

    // With certificates, the daemon speaks TLS only: a plain-text operator gets no hello and
    // the daemon applies nothing it might send.
    TestCertificates certs = new TestCertificates(dir).issue(NODE);
    StreamOptions secure =
        StreamOptions.parse(
            "--node",
            NODE,
            "--operator",
            at,
            "--tls-cert",
            certs.certificate(NODE).toString(),
            "--tls-key",
            certs.key(NODE).toString(),
            "--tls-ca",
            certs.certificate("ca").toString());
    client = client(NodeStateClient.channel(secure)).start();
    await(() -> logBytes.toString(StandardCharsets.UTF_8).contains("node-state stream:"));
    Thread.sleep(300);
    assertThat(operator.hellos).isEmpty();
    assertThat(applied).isEmpty();
    assertThat(client.revision()).isZero();

    // --insecure says so, and then the same operator is spoken to.
    client.close();
    client =
        client(
                NodeStateClient.channel(
                    StreamOptions.parse("--node", NODE, "--operator", at, "--insecure")))
            .start();
    await(() -> acked(operator, 1));
    assertThat(applied).hasSize(1);
  }

  @Test
  void unusableTlsFilesAreOneLineNamingThem() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(
            () -> NodeStateClient.channel("op:1", new ClientTls(missing, missing, missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot use the TLS files (--tls-cert " + missing)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  private NodeStateClient client() {
    return client(
        NodeStateClient.insecureChannel("127.0.0.1:" + (operator == null ? 1 : operator.port())));
  }

  private NodeStateClient client(ManagedChannel channel) {
    return new NodeStateClient(
        NODE,
        channel,
        desired -> {
          String why = failNext;
          if (why != null) {
            failNext = null;
            throw new IllegalStateException(why);
          }
          applied.add(desired);
          return Map.of();
        },
        (endpoint, p) ->
            veths.containsKey(p)
                ? new Placement.Here(veths.get(p))
                : new Placement.Pending("no veth in the test's table"),
        Optional.of(dir.resolve("node-state.pb")),
        log,
        Duration.ofMillis(50),
        Duration.ofMillis(200));
  }

  private static boolean acked(TestOperator op, long revision) {
    return op.acks.stream().anyMatch(a -> a.getRevision() == revision && a.getError().isEmpty());
  }

  private void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out; daemon log:\n" + logBytes.toString(StandardCharsets.UTF_8));
      }
      Thread.sleep(10);
    }
  }

  private static Optional<Verdict> verdict(DatapathState s, long peer) {
    var mapState = new io.palisade.policy.mapstate.MapState();
    s.policies().get(DEATHSTAR).entries().forEach(mapState::insert);
    return mapState.lookup(Direction.INGRESS, peer, 6, 80).map(m -> m.entry().verdict());
  }

  private static CidrPrefix prefix(String s) {
    return CidrPrefix.parse(s).orElseThrow();
  }

  private static IpcacheEntry ipcache(String prefix, long id) {
    return IpcacheEntry.newBuilder().setPrefix(prefix).setIdentity(id).build();
  }

  private static MapStateKey http(long peer) {
    return MapStateKey.newBuilder()
        .setDirection(io.palisade.proto.nodestate.v1.Direction.INGRESS)
        .setPeerIdentity(peer)
        .setProtocol(6)
        .setPort(80)
        .setPortPrefixBits(16)
        .build();
  }

  private static MapStateEntry allow(MapStateKey key) {
    return MapStateEntry.newBuilder()
        .setKey(key)
        .setVerdict(io.palisade.proto.nodestate.v1.Verdict.ALLOW)
        .build();
  }

  private static Snapshot snapshot1() {
    return Snapshot.newBuilder()
        .addIpcache(ipcache("10.0.0.1/32", DEATHSTAR))
        .addIpcache(ipcache("10.0.0.2/32", TIEFIGHTER))
        .addEndpoints(
            Endpoint.newBuilder()
                .setId("default/deathstar")
                .addAddresses("10.0.0.1")
                .setIdentity(DEATHSTAR)
                .setEnforceIngress(true))
        .addPolicies(
            IdentityPolicy.newBuilder()
                .setIdentity(DEATHSTAR)
                .setEnforceIngress(true)
                .addEntries(allow(http(TIEFIGHTER)))
                .addEntries(
                    allow(
                        MapStateKey.newBuilder()
                            .setDirection(io.palisade.proto.nodestate.v1.Direction.EGRESS)
                            .build())))
        .build();
  }

  private static Delta.Builder delta2() {
    return Delta.newBuilder()
        .addIpcacheUpserts(ipcache("10.0.0.3/32", XWING))
        .addPolicyChanges(
            PolicyChange.newBuilder()
                .setIdentity(DEATHSTAR)
                .setEnforceIngress(true)
                .addUpserts(allow(http(XWING)))
                .addDeletes(http(TIEFIGHTER)));
  }
}
