package io.palisade.operator.certs;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.palisade.proto.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.jboss.logging.Logger;

/**
 * The signer {@value NodeCsrReview#SIGNER}: watches CertificateSigningRequests for it, approves and
 * signs those {@link NodeCsrReview} accepts and denies the others with the reason. A request
 * approved by someone else is still reviewed before it is signed: an approval never lets one node
 * obtain another's name. Acts only while this replica leads, so that one replica signs.
 */
public final class NodeCsrSigner implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeCsrSigner.class);

  private final KubernetesClient client;
  private final CertificateAuthority ca;
  private final NodeCsrReview review;
  private final Duration maxValidity;
  private final Clock clock;
  private final BooleanSupplier leading;
  private SharedIndexInformer<CertificateSigningRequest> informer;

  public NodeCsrSigner(
      KubernetesClient client,
      CertificateAuthority ca,
      String namespace,
      String serviceAccount,
      Duration maxValidity,
      Clock clock,
      BooleanSupplier leading) {
    this.client = client;
    this.ca = ca;
    this.review =
        new NodeCsrReview(namespace, serviceAccount, (pod, uid) -> nodeOf(namespace, pod, uid));
    this.maxValidity = maxValidity;
    this.clock = clock;
    this.leading = leading;
  }

  public NodeCsrSigner start() {
    informer =
        client
            .certificates()
            .v1()
            .certificateSigningRequests()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(CertificateSigningRequest csr) {
                    handle(csr);
                  }

                  @Override
                  public void onUpdate(
                      CertificateSigningRequest old, CertificateSigningRequest csr) {
                    handle(csr);
                  }

                  @Override
                  public void onDelete(CertificateSigningRequest csr, boolean unknown) {}
                },
                Duration.ofSeconds(30).toMillis());
    return this;
  }

  /** Reviews one request and approves and signs, or denies, it; anything else is left alone. */
  void handle(CertificateSigningRequest csr) {
    if (!leading.getAsBoolean()
        || csr.getSpec() == null
        || !NodeCsrReview.SIGNER.equals(csr.getSpec().getSignerName())
        // The API server always records who asked; a request without it was never authenticated.
        || csr.getSpec().getUsername() == null
        || has(csr, "Denied")
        || has(csr, "Failed")
        || (csr.getStatus() != null && csr.getStatus().getCertificate() != null)) {
      return;
    }
    String name = csr.getMetadata().getName();
    NodeCsrReview.Decision d = review.review(csr.getSpec());
    var resource = client.certificates().v1().certificateSigningRequests().withName(name);
    try {
      if (!d.approved()) {
        LOG.warnf("CertificateSigningRequest %s denied: %s", name, d.reason());
        resource.deny(condition("Denied", "NotThisNode", d.reason()));
        return;
      }
      if (!has(csr, "Approved")) {
        resource.approve(condition("Approved", "NodeDaemon", d.reason()));
      }
      String pem = Pem.certificate(sign(csr, d.node()));
      resource.editStatus(
          c -> {
            c.getStatus()
                .setCertificate(
                    Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
            return c;
          });
      LOG.infof("CertificateSigningRequest %s: signed for node %s", name, d.node());
    } catch (RuntimeException | IOException e) {
      LOG.errorf(e, "CertificateSigningRequest %s: cannot sign; the next resync retries", name);
    }
  }

  private X509Certificate sign(CertificateSigningRequest csr, String node) throws IOException {
    String pem =
        new String(
            Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII);
    JcaPKCS10CertificationRequest request;
    try (PEMParser parser = new PEMParser(new java.io.StringReader(pem))) {
      request =
          new JcaPKCS10CertificationRequest(
              (org.bouncycastle.pkcs.PKCS10CertificationRequest) parser.readObject());
    }
    Duration validity = maxValidity;
    Integer asked = csr.getSpec().getExpirationSeconds();
    if (asked != null && asked > 0 && Duration.ofSeconds(asked).compareTo(validity) < 0) {
      validity = Duration.ofSeconds(asked);
    }
    try {
      return ca.issueNode(request.getPublicKey(), node, clock.instant(), validity);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("the request's key is unusable: " + e.getMessage(), e);
    }
  }

  private Optional<String> nodeOf(String namespace, String pod, String uid) {
    Pod p = client.pods().inNamespace(namespace).withName(pod).get();
    if (p == null || !uid.equals(p.getMetadata().getUid()) || p.getSpec() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(p.getSpec().getNodeName());
  }

  private static boolean has(CertificateSigningRequest csr, String type) {
    List<CertificateSigningRequestCondition> conditions =
        csr.getStatus() == null || csr.getStatus().getConditions() == null
            ? List.of()
            : csr.getStatus().getConditions();
    return conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private CertificateSigningRequestCondition condition(String type, String reason, String message) {
    return new CertificateSigningRequestConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastUpdateTime(clock.instant().toString())
        .build();
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
