package io.palisade.operator.nodestate;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The node-state server's certificates, as PEM files (cert-manager's {@code tls.crt}, {@code
 * tls.key}, {@code ca.crt}). With a CA, every daemon must show a certificate it signed, and a
 * daemon may speak only for the node its certificate names.
 */
public record NodeTls(Path certificateChain, Path privateKey, Optional<Path> clientCa)
    implements ServerTls {

  @Override
  public boolean requiresClientCertificates() {
    return clientCa.isPresent();
  }

  @Override
  public SslContext serverContext() {
    try {
      SslContextBuilder b =
          GrpcSslContexts.configure(
              SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()));
      if (clientCa.isPresent()) {
        b.trustManager(clientCa.get().toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot use the node-state certificates " + certificateChain + ": " + e.getMessage(), e);
    }
  }
}
