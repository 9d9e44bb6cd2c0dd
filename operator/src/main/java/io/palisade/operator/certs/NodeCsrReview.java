package io.palisade.operator.certs;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestSpec;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Decides whether a CertificateSigningRequest for {@value #SIGNER} may be signed. Only the node
 * daemons' ServiceAccount may ask, and only for the node its pod runs on: the API server, not the
 * requester, writes who asked ({@code spec.username}) and, for a pod's bound ServiceAccount token,
 * the pod and its node ({@code spec.extra}); the CSR's CN must name that node. So a daemon, or
 * anyone holding its token, can get a certificate for its own node and no other.
 */
public final class NodeCsrReview {

  public static final String SIGNER = "palisade.io/node-state";

  /** The node a bound token names (Kubernetes 1.30 and later, ServiceAccountTokenPodNodeInfo). */
  static final String NODE_NAME = "authentication.kubernetes.io/node-name";

  static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  static final String POD_UID = "authentication.kubernetes.io/pod-uid";

  private static final Set<String> USAGES =
      Set.of("client auth", "digital signature", "key encipherment");

  /** Where a pod of the daemons' namespace runs, if it exists with that uid. */
  public interface PodNodes {
    Optional<String> nodeOf(String pod, String uid);
  }

  /** The outcome: sign for {@code node}, or deny with a reason a person can act on. */
  public record Decision(boolean approved, String node, String reason) {
    static Decision deny(String reason) {
      return new Decision(false, "", reason);
    }
  }

  private final String serviceAccount;
  private final PodNodes pods;

  /**
   * @param namespace the node daemons' namespace
   * @param serviceAccount the DaemonSet's ServiceAccount
   */
  public NodeCsrReview(String namespace, String serviceAccount, PodNodes pods) {
    this.serviceAccount = "system:serviceaccount:" + namespace + ":" + serviceAccount;
    this.pods = pods;
  }

  public Decision review(CertificateSigningRequestSpec spec) {
    if (!SIGNER.equals(spec.getSignerName())) {
      return Decision.deny("spec.signerName: \"" + spec.getSignerName() + "\" is not " + SIGNER);
    }
    if (!serviceAccount.equals(spec.getUsername())) {
      return Decision.deny(
          "spec.username: \""
              + spec.getUsername()
              + "\" is not the node daemons' "
              + serviceAccount);
    }
    List<String> usages = spec.getUsages() == null ? List.of() : spec.getUsages();
    if (!usages.contains("client auth") || !USAGES.containsAll(usages)) {
      return Decision.deny(
          "spec.usages: " + usages + " must hold \"client auth\" and nothing beyond " + USAGES);
    }
    Optional<String> node = requesterNode(spec.getExtra() == null ? Map.of() : spec.getExtra());
    if (node.isEmpty()) {
      return Decision.deny(
          "spec.extra: the request names no pod and node; it must come with a pod's bound"
              + " ServiceAccount token");
    }
    String cn;
    try {
      cn = commonName(spec.getRequest());
    } catch (IOException e) {
      return Decision.deny("spec.request: " + e.getMessage());
    }
    if (!cn.equals(node.get())) {
      return Decision.deny(
          "spec.request: CN \""
              + cn
              + "\" is not the node the requesting pod runs on (\""
              + node.get()
              + "\")");
    }
    return new Decision(true, cn, "the node daemon of " + cn + " asked for its own certificate");
  }

  private Optional<String> requesterNode(Map<String, List<String>> extra) {
    Optional<String> claimed = single(extra, NODE_NAME);
    if (claimed.isPresent()) {
      return claimed;
    }
    // Before 1.30 the token names the pod only: ask where that very pod (same uid) runs.
    Optional<String> pod = single(extra, POD_NAME);
    Optional<String> uid = single(extra, POD_UID);
    if (pod.isEmpty() || uid.isEmpty()) {
      return Optional.empty();
    }
    return pods.nodeOf(pod.get(), uid.get());
  }

  private static Optional<String> single(Map<String, List<String>> extra, String key) {
    List<String> v = extra.get(key);
    return v != null && v.size() == 1 ? Optional.of(v.getFirst()) : Optional.empty();
  }

  /** The request's only subject attribute, its CN, after checking its signature. */
  static String commonName(String base64Pem) throws IOException {
    if (base64Pem == null) {
      throw new IOException("missing");
    }
    String pem = new String(Base64.getDecoder().decode(base64Pem), StandardCharsets.US_ASCII);
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    }
    if (!(parsed instanceof org.bouncycastle.pkcs.PKCS10CertificationRequest raw)) {
      throw new IOException("not a PEM certificate request");
    }
    JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(raw);
    try {
      if (!csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(csr.getPublicKey()))) {
        throw new IOException("its signature does not match its key");
      }
    } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException e) {
      throw new IOException("its signature cannot be checked: " + e.getMessage(), e);
    }
    RDN[] rdns = csr.getSubject().getRDNs();
    if (rdns.length != 1
        || rdns[0].isMultiValued()
        || !rdns[0].getFirst().getType().equals(BCStyle.CN)) {
      throw new IOException("subject \"" + csr.getSubject() + "\" must be exactly CN=<node name>");
    }
    return IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }
}
