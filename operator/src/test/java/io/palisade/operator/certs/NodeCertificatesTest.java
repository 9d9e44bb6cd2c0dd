package io.palisade.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.discovery.Placement;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.node.tls.NodeCertificates;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.proto.tls.Pem;
import io.palisade.proto.tls.SwappableKeyManager;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator issues the node-state certificates itself: on the fabric8 mock API server (CRUD) and
 * real gRPC on loopback, a daemon with no certificate obtains one for its node and connects, a
 * request for another node's name is denied, and certificates near expiry are renewed.
 */
class NodeCertificatesTest {

  private final CsrApiServer api = new CsrApiServer();
  private final KubernetesClient client = api.client();

  @TempDir Path dir;

  /** Real time shifted by an offset: certificates must stay valid for the JDK's real clock. */
  static final class ShiftedClock extends Clock {
    volatile Duration offset = Duration.ZERO;

    @Override
    public Instant instant() {
      return Instant.now().plus(offset);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final ShiftedClock clock = new ShiftedClock();
  private final NodeStateStore store = new NodeStateStore("epoch-1", 64);
  private NodeStateIssuer.Running issuer;
  private NodeStateServer server;

  @BeforeEach
  void start() throws Exception {
    store.publish(
        new NodeStateComputer(new InMemoryIdentityAllocator())
            .compute(StarWars.snapshot(StarWars.workloads(), StarWars.RULE1)));
    issuer =
        new NodeStateIssuer(
                client.getNamespace(),
                "palisade-node",
                List.of("localhost"),
                Duration.ofDays(365),
                Duration.ofDays(7))
            .start(client, clock, () -> true);
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            store,
            NodeStateSecurity.mutualTls(issuer.server()));
  }

  @AfterEach
  void stop() {
    server.close();
    issuer.close();
    client.close();
    api.close();
  }

  private void requestsComeFromAPodOn(String node) {
    api.requestsFrom(client.getNamespace(), "palisade-node", node, "palisade-node-x7k2p");
  }

  private NodeCertificates daemon(String node) {
    return new NodeCertificates(
        client,
        node,
        dir.resolve(node),
        Duration.ofDays(7),
        Duration.ofSeconds(20),
        clock,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  @Test
  void aDaemonWithNoCertificateObtainsOneForItsNodeAndConnects() throws Exception {
    requestsComeFromAPodOn("node-a");
    NodeCertificates certs = daemon("node-a");
    SwappableKeyManager keys = certs.obtain();
    X509Certificate ca = certs.ca();

    X509Certificate leaf = keys.current().leaf();
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=node-a");
    leaf.verify(ca.getPublicKey());
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
    assertThat(Pem.certificates(Files.readString(dir.resolve("node-a/tls.crt"))))
        .containsExactly(leaf);
    assertThat(Files.getPosixFilePermissions(dir.resolve("node-a/tls.key")))
        .hasToString("[OWNER_READ, OWNER_WRITE]");
    assertThat(client.secrets().withName(CaStore.SECRET).get().getType())
        .isEqualTo("kubernetes.io/tls");
    CertificateSigningRequest csr =
        client.certificates().v1().certificateSigningRequests().list().getItems().getFirst();
    assertThat(csr.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType()).isEqualTo("Approved"));

    List<DatapathState> applied = new CopyOnWriteArrayList<>();
    try (NodeStateClient daemon = client("node-a", keys, ca, applied)) {
      await().until(() -> store.effectiveRevision("node-a") == store.revision());
      assertThat(applied).hasSize(1);
    }
  }

  @Test
  void aRequestForAnotherNodesNameIsDenied() {
    requestsComeFromAPodOn("node-a");
    assertThatThrownBy(() -> daemon("node-b").obtain())
        .hasMessageContaining("Denied")
        .hasMessageContaining(
            "spec.request: CN \"node-b\" is not the node the requesting pod runs on (\"node-a\")");
    assertThat(dir.resolve("node-b/tls.key")).doesNotExist();
  }

  @Test
  void aDaemonCertificateNearExpiryIsRenewedAndOneNotYetDueIsKept() throws Exception {
    requestsComeFromAPodOn("node-a");
    clock.offset = Duration.ofDays(-6); // issued six days ago, of seven
    SwappableKeyManager keys = daemon("node-a").obtain();
    BigInteger first = keys.current().leaf().getSerialNumber();

    clock.offset = Duration.ofDays(-5); // restarted before two thirds: the kept one is used
    assertThat(daemon("node-a").obtain().current().leaf().getSerialNumber()).isEqualTo(first);
    assertThat(client.certificates().v1().certificateSigningRequests().list().getItems())
        .hasSize(1);

    clock.offset = Duration.ZERO; // past two thirds: a new key and certificate
    NodeCertificates certs = daemon("node-a");
    SwappableKeyManager renewed = certs.obtain();
    assertThat(renewed.current().leaf().getSerialNumber()).isNotEqualTo(first);
    assertThat(renewed.current().leaf().getNotAfter().toInstant())
        .isAfter(Instant.now().plus(Duration.ofDays(6)));
    assertThat(client.certificates().v1().certificateSigningRequests().list().getItems())
        .hasSize(2);
  }

  @Test
  void theServerRenewsItsCertificateWithoutDroppingTheStreams() throws Exception {
    issuer.close();
    server.close();
    clock.offset = Duration.ofDays(-6);
    issuer =
        new NodeStateIssuer(
                client.getNamespace(),
                "palisade-node",
                List.of("localhost"),
                Duration.ofDays(365),
                Duration.ofDays(7))
            .start(client, clock, () -> true);
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            store,
            NodeStateSecurity.mutualTls(issuer.server()));
    requestsComeFromAPodOn("node-a");
    NodeCertificates certs = daemon("node-a");
    SwappableKeyManager keys = certs.obtain();
    X509Certificate ca = certs.ca();
    BigInteger before = serverCertificate(keys, ca).getSerialNumber();
    assertThat(issuer.server().renewIfDue()).isFalse();

    List<DatapathState> applied = new CopyOnWriteArrayList<>();
    try (NodeStateClient daemon = client("node-a", keys, ca, applied)) {
      await().until(() -> applied.size() == 1);
      clock.offset = Duration.ZERO;
      assertThat(issuer.server().renewIfDue()).isTrue();

      assertThat(serverCertificate(keys, ca).getSerialNumber()).isNotEqualTo(before);
      // The stream opened before the renewal still carries the next revision.
      store.publish(
          new NodeStateComputer(new InMemoryIdentityAllocator())
              .compute(StarWars.snapshot(StarWars.workloads())));
      await().until(() -> store.effectiveRevision("node-a") == store.revision());
      assertThat(applied.size()).isGreaterThan(1);
    }
  }

  private NodeStateClient client(
      String node, KeyManager keys, X509Certificate ca, List<DatapathState> applied) {
    ManagedChannel channel = NodeStateClient.channel("localhost:" + server.port(), keys, ca);
    return new NodeStateClient(
            node,
            channel,
            desired -> {
              applied.add(desired);
              return java.util.Map.of();
            },
            (endpoint, p) -> new Placement.Here("lxc-test"),
            Optional.empty(),
            new PrintStream(OutputStream.nullOutputStream()),
            Duration.ofMillis(50),
            Duration.ofMillis(200))
        .start();
  }

  /** The certificate a new handshake with the server shows. */
  private X509Certificate serverCertificate(KeyManager keys, X509Certificate ca) throws Exception {
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {keys}, tmf.getTrustManagers(), null);
    try (SSLSocket s =
        (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.port())) {
      s.setEnabledProtocols(new String[] {"TLSv1.3"});
      var params = s.getSSLParameters();
      params.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(params);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }
}
