package io.palisade.operator.certs;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.palisade.proto.tls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Keeps the CA in the Secret {@value #SECRET} (type kubernetes.io/tls) of the operator's namespace,
 * creating it when absent, and its certificate alone in the ConfigMap {@value #CONFIG_MAP}, which
 * the node daemons read to trust the operator. Replicas starting together race to create it; the
 * API server lets one win, and the others read the winner's.
 */
public final class CaStore {

  public static final String SECRET = "palisade-ca";
  public static final String CONFIG_MAP = "palisade-node-state-ca";
  public static final String CA_KEY = "ca.crt";

  private final KubernetesClient client;
  private final String namespace;

  public CaStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The CA of the Secret, made now (valid for {@code validity}) if there is none. */
  public CertificateAuthority ensure(Instant now, Duration validity) throws IOException {
    Secret existing = client.secrets().inNamespace(namespace).withName(SECRET).get();
    CertificateAuthority ca;
    if (existing != null) {
      ca = read(existing);
    } else {
      ca = CertificateAuthority.create("palisade-node-state-ca", now, validity);
      try {
        client.secrets().inNamespace(namespace).resource(secret(ca)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        ca = read(client.secrets().inNamespace(namespace).withName(SECRET).get());
      }
    }
    publish(ca.certificate());
    return ca;
  }

  private void publish(X509Certificate cert) {
    String pem = Pem.certificate(cert);
    ConfigMap current = client.configMaps().inNamespace(namespace).withName(CONFIG_MAP).get();
    if (current != null && pem.equals(current.getData().get(CA_KEY))) {
      return;
    }
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(CONFIG_MAP)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/part-of", "palisade")
            .endMetadata()
            .withData(Map.of(CA_KEY, pem))
            .build();
    client.configMaps().inNamespace(namespace).resource(cm).createOr(r -> r.update());
  }

  private Secret secret(CertificateAuthority ca) {
    String cert = Pem.certificate(ca.certificate());
    return new SecretBuilder()
        .withNewMetadata()
        .withName(SECRET)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/part-of", "palisade")
        .endMetadata()
        .withType("kubernetes.io/tls")
        .withData(
            Map.of(
                "tls.crt",
                base64(cert),
                "tls.key",
                base64(Pem.privateKey(ca.key())),
                CA_KEY,
                base64(cert)))
        .build();
  }

  private CertificateAuthority read(Secret s) throws IOException {
    Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
    if (!data.containsKey("tls.crt") || !data.containsKey("tls.key")) {
      throw new IOException(
          "Secret " + namespace + "/" + SECRET + ": data.tls.crt and data.tls.key are required");
    }
    X509Certificate cert = Pem.certificates(unbase64(data.get("tls.crt"))).getFirst();
    PrivateKey key = Pem.privateKey(unbase64(data.get("tls.key")));
    return new CertificateAuthority(cert, key);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static String unbase64(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.US_ASCII);
  }
}
