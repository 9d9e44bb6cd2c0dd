package io.palisade.operator.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestSpec;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestSpecBuilder;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

/** Who may have a certificate for which node: only the daemons' account, only for its own node. */
class NodeCsrReviewTest {

  private final NodeCsrReview review =
      new NodeCsrReview(
          "palisade-system",
          "palisade-node",
          (pod, uid) ->
              pod.equals("palisade-node-abc") && uid.equals("uid-1")
                  ? Optional.of("node-a")
                  : Optional.empty());

  private static final String DAEMONS = "system:serviceaccount:palisade-system:palisade-node";

  @Test
  void theDaemonOfANodeGetsItsOwnName() throws Exception {
    assertThat(review.review(spec("CN=node-a", DAEMONS, nodeClaim("node-a"))).approved()).isTrue();
  }

  @Test
  void withoutTheNodeClaimThePodItselfIsLookedUpByNameAndUid() throws Exception {
    var podClaims =
        Map.of(
            NodeCsrReview.POD_NAME, List.of("palisade-node-abc"),
            NodeCsrReview.POD_UID, List.of("uid-1"));
    assertThat(review.review(spec("CN=node-a", DAEMONS, podClaims)).approved()).isTrue();
    var replaced =
        Map.of(
            NodeCsrReview.POD_NAME, List.of("palisade-node-abc"),
            NodeCsrReview.POD_UID, List.of("uid-0"));
    assertThat(review.review(spec("CN=node-a", DAEMONS, replaced)).reason())
        .contains("spec.extra: the request names no pod and node");
  }

  @Test
  void anyOtherAccountIsDenied() throws Exception {
    assertThat(
            review
                .review(spec("CN=node-a", "system:serviceaccount:default:x", nodeClaim("node-a")))
                .reason())
        .isEqualTo(
            "spec.username: \"system:serviceaccount:default:x\" is not the node daemons' "
                + DAEMONS);
  }

  @Test
  void anotherNodesNameOrAnyExtraSubjectIsDenied() throws Exception {
    assertThat(review.review(spec("CN=node-b", DAEMONS, nodeClaim("node-a"))).reason())
        .isEqualTo(
            "spec.request: CN \"node-b\" is not the node the requesting pod runs on (\"node-a\")");
    assertThat(
            review
                .review(spec("CN=node-a,O=system:masters", DAEMONS, nodeClaim("node-a")))
                .reason())
        .startsWith("spec.request: subject \"")
        .endsWith("must be exactly CN=<node name>");
  }

  @Test
  void serverUsagesAreDenied() throws Exception {
    CertificateSigningRequestSpec s = spec("CN=node-a", DAEMONS, nodeClaim("node-a"));
    s.setUsages(List.of("client auth", "server auth"));
    assertThat(review.review(s).reason()).startsWith("spec.usages: [client auth, server auth]");
  }

  private static Map<String, List<String>> nodeClaim(String node) {
    return Map.of(NodeCsrReview.NODE_NAME, List.of(node));
  }

  private static CertificateSigningRequestSpec spec(
      String subject, String user, Map<String, List<String>> extra) throws Exception {
    KeyPair pair = CertificateAuthority.newKeyPair();
    var csr =
        new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), pair.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(csr);
    }
    return new CertificateSigningRequestSpecBuilder()
        .withSignerName(NodeCsrReview.SIGNER)
        .withUsername(user)
        .withExtra(extra)
        .withUsages("digital signature", "client auth")
        .withRequest(
            Base64.getEncoder().encodeToString(w.toString().getBytes(StandardCharsets.US_ASCII)))
        .build();
  }
}
