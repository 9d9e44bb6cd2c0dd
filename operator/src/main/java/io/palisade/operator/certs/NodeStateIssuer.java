package io.palisade.operator.certs;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The operator as issuer of the node-state stream's certificates, when no cert-manager provides
 * them: the CA kept in a Secret, this replica's server certificate, and the signer of the node
 * daemons' CertificateSigningRequests. Closing stops renewing and signing.
 *
 * @param namespace the operator's and the node daemons' namespace
 * @param nodeServiceAccount the DaemonSet's ServiceAccount, the only one whose requests are signed
 * @param dnsNames the node-state Service's names, which the server certificate carries
 */
public record NodeStateIssuer(
    String namespace,
    String nodeServiceAccount,
    List<String> dnsNames,
    Duration caValidity,
    Duration certificateValidity) {

  /** What runs while the operator issues: the server's TLS and the signer. */
  public record Running(ServerCertificates server, NodeCsrSigner signer) implements AutoCloseable {
    @Override
    public void close() {
      signer.close();
      server.close();
    }
  }

  public Running start(KubernetesClient client, Clock clock, BooleanSupplier leading)
      throws IOException {
    CertificateAuthority ca = new CaStore(client, namespace).ensure(clock.instant(), caValidity);
    ServerCertificates server =
        new ServerCertificates(ca, dnsNames, certificateValidity, clock).start();
    NodeCsrSigner signer =
        new NodeCsrSigner(
                client, ca, namespace, nodeServiceAccount, certificateValidity, clock, leading)
            .start();
    return new Running(server, signer);
  }
}
