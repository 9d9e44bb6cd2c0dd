package io.palisade.operator.certs;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.palisade.operator.nodestate.ServerTls;
import io.palisade.proto.tls.SwappableKeyManager;
import io.palisade.proto.tls.SwappableKeyManager.KeyMaterial;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLException;
import org.jboss.logging.Logger;

/**
 * The node-state server's certificate, issued by the operator's own CA to this replica (its key
 * never leaves the process) and replaced two thirds into its life: the next handshake shows the new
 * one, and the streams open keep going. Daemons must show a certificate of the same CA.
 */
public final class ServerCertificates implements ServerTls, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ServerCertificates.class);

  private final CertificateAuthority ca;
  private final List<String> dnsNames;
  private final Duration validity;
  private final Clock clock;
  private final SwappableKeyManager keys;
  private Thread renewer;

  public ServerCertificates(
      CertificateAuthority ca, List<String> dnsNames, Duration validity, Clock clock) {
    this.ca = ca;
    this.dnsNames = List.copyOf(dnsNames);
    this.validity = validity;
    this.clock = clock;
    this.keys = new SwappableKeyManager(issue());
  }

  /** Renews the certificate once it is two thirds through its life; says whether it did. */
  public boolean renewIfDue() {
    if (clock.instant().isBefore(renewalTime())) {
      return false;
    }
    keys.swap(issue());
    LOG.infof("node-state server certificate renewed, valid until %s", renewalTime());
    return true;
  }

  public Instant renewalTime() {
    return CertificateAuthority.renewalTime(keys.current().leaf());
  }

  public X509Certificate certificate() {
    return keys.current().leaf();
  }

  /** Renews in the background, at each renewal time. */
  public ServerCertificates start() {
    renewer =
        Thread.ofVirtual()
            .name("node-state-certificate")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      Duration wait = Duration.between(clock.instant(), renewalTime());
                      Thread.sleep(Math.max(1000, wait.toMillis()));
                      renewIfDue();
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      LOG.error("renewing the node-state server certificate failed; retrying", e);
                    }
                  }
                });
    return this;
  }

  @Override
  public boolean requiresClientCertificates() {
    return true;
  }

  @Override
  public SslContext serverContext() {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(keys))
          .trustManager(ca.certificate())
          .clientAuth(ClientAuth.REQUIRE)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot use the issued node-state certificate", e);
    }
  }

  private KeyMaterial issue() {
    KeyPair pair = CertificateAuthority.newKeyPair();
    X509Certificate cert = ca.issueServer(pair.getPublic(), dnsNames, clock.instant(), validity);
    return new KeyMaterial(pair.getPrivate(), new X509Certificate[] {cert, ca.certificate()});
  }

  @Override
  public void close() {
    if (renewer != null) {
      renewer.interrupt();
    }
  }
}
