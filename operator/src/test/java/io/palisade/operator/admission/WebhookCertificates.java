package io.palisade.operator.admission;

import io.palisade.node.stream.TestCertificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A CA and a serving certificate for 127.0.0.1, made by keytool before the operator starts, and the
 * operator's HTTPS configured with them, as the cert-manager component mounts them.
 */
public final class WebhookCertificates implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    try {
      Path dir = Files.createTempDirectory("palisade-webhook-tls");
      TestCertificates certs = new TestCertificates(dir).issue("palisade-webhook");
      return Map.of(
          "quarkus.http.ssl.certificate.files", certs.certificate("palisade-webhook").toString(),
          "quarkus.http.ssl.certificate.key-files", certs.key("palisade-webhook").toString(),
          "palisade.test.webhook-ca", certs.certificate("ca").toString());
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the test certificates", e);
    }
  }

  @Override
  public void stop() {}
}
