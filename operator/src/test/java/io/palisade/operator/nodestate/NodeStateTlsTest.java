package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.palisade.node.discovery.Placement;
import io.palisade.node.stream.ClientTls;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.node.stream.TestCertificates;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node-state stream over mutual TLS: only daemons with a certificate, each for its node. */
class NodeStateTlsTest {

  @TempDir static Path dir;
  static TestCertificates certs;

  private final NodeStateStore store = new NodeStateStore("epoch-1", 64);
  private final List<TestDaemon> daemons = new ArrayList<>();
  private NodeStateServer server;

  @BeforeAll
  static void certificates() throws Exception {
    certs =
        new TestCertificates(dir)
            .issue("operator")
            .issue("node-a")
            .issue("no-cn", "O=palisade,OU=nodes");
  }

  @BeforeEach
  void start() throws Exception {
    store.publish(
        new NodeStateComputer(new InMemoryIdentityAllocator())
            .compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1)));
    NodeTls tls =
        new NodeTls(
            certs.certificate("operator"),
            certs.key("operator"),
            Optional.of(certs.certificate("ca")));
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0), store, NodeStateSecurity.mutualTls(tls));
  }

  @AfterEach
  void stop() {
    daemons.forEach(TestDaemon::close);
    server.close();
  }

  private TestDaemon daemon(boolean withCertificate) throws Exception {
    return daemon(withCertificate ? Optional.of("node-a") : Optional.empty());
  }

  /** A daemon showing the certificate kept as {@code certificate}, if any. */
  private TestDaemon daemon(Optional<String> certificate) throws Exception {
    SslContextBuilder ssl =
        GrpcSslContexts.forClient().trustManager(certs.certificate("ca").toFile());
    certificate.ifPresent(
        c -> ssl.keyManager(certs.certificate(c).toFile(), certs.key(c).toFile()));
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).sslContext(ssl.build()).build();
    TestDaemon d = new TestDaemon(channel, true, false);
    daemons.add(d);
    return d;
  }

  @Test
  void aDaemonWithItsNodesCertificateGetsItsState() throws Exception {
    TestDaemon d = daemon(true).hello("node-a", "", 0);
    await().until(() -> d.received.size() == 1);
    OperatorMessage m = d.received.getFirst();
    assertThat(m.getSnapshot().getEndpoints(0).getId()).isEqualTo("default/deathstar");
    await().until(() -> store.effectiveRevision("node-a") == store.revision());
  }

  @Test
  void aCertificateSpeaksOnlyForItsOwnNode() throws Exception {
    TestDaemon d = daemon(true).hello("node-b", "", 0);
    await().until(() -> d.error != null);
    assertThat(d.error).hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("node-b");
    assertThat(d.received).isEmpty();
  }

  @Test
  void aDaemonWithoutACertificateIsRefused() throws Exception {
    TestDaemon d = daemon(false).hello("node-a", "", 0);
    await().until(() -> d.error != null);
    assertThat(d.received).isEmpty();
  }

  @Test
  void aCertificateWithoutACommonNameSpeaksForNoNode() throws Exception {
    TestDaemon d = daemon(Optional.of("no-cn")).hello("node-a", "", 0);
    await().until(() -> d.error != null);
    assertThat(d.error).hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("unnamed");
    assertThat(d.received).isEmpty();
  }

  @Test
  void aPlainTextDaemonGetsNothing() throws Exception {
    TestDaemon d = new TestDaemon(server.port(), true, false).hello("node-a", "", 0);
    daemons.add(d);
    await().until(() -> d.error != null);
    assertThat(d.received).isEmpty();
    assertThat(store.effectiveRevision("node-a")).isNotEqualTo(store.revision());
  }

  @Test
  void insecureDoesNotLoosenMutualTls() throws Exception {
    server.close();
    NodeTls tls =
        new NodeTls(
            certs.certificate("operator"),
            certs.key("operator"),
            Optional.of(certs.certificate("ca")));
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            store,
            new NodeStateSecurity(Optional.of(tls), true));
    TestDaemon other = daemon(true).hello("node-b", "", 0);
    await().until(() -> other.error != null);
    assertThat(other.error).hasMessageContaining("PERMISSION_DENIED");
    assertThat(other.received).isEmpty();
    TestDaemon own = daemon(true).hello("node-a", "", 0);
    await().until(() -> own.received.size() == 1);
  }

  @Test
  void theNodeDaemonsOwnClientSpeaksMutualTls() throws Exception {
    List<io.palisade.node.datapath.DatapathState> applied = new CopyOnWriteArrayList<>();
    ClientTls tls =
        new ClientTls(certs.certificate("node-a"), certs.key("node-a"), certs.certificate("ca"));
    try (NodeStateClient client =
        new NodeStateClient(
                "node-a",
                NodeStateClient.channel("127.0.0.1:" + server.port(), tls),
                desired -> {
                  applied.add(desired);
                  return java.util.Map.of();
                },
                (endpoint, p) -> new Placement.Here("lxc-test"),
                Optional.empty(),
                new PrintStream(OutputStream.nullOutputStream()),
                Duration.ofMillis(50),
                Duration.ofMillis(200))
            .start()) {
      await().until(() -> store.effectiveRevision("node-a") == store.revision());
      assertThat(applied).hasSize(1);
      assertThat(applied.getFirst().ipcache()).isNotEmpty();
    }
  }
}
