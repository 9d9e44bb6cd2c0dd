package io.palisade.node.tls;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.proto.tls.Pem;
import io.palisade.proto.tls.SwappableKeyManager;
import io.palisade.proto.tls.SwappableKeyManager.KeyMaterial;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The node daemon's certificate for the node-state stream, with no manual step: at start it reuses
 * the one kept in its directory while that is for this node and not due, or else makes a key (which
 * never leaves the node) and asks the operator's signer for a certificate through a Kubernetes
 * CertificateSigningRequest. The API server records which pod asks, and the operator signs only a
 * CN naming that pod's node. It renews two thirds into the certificate's life.
 */
public final class NodeCertificates implements AutoCloseable {

  public static final String SIGNER = "palisade.io/node-state";
  public static final String CA_CONFIG_MAP = "palisade-node-state-ca";

  private final KubernetesClient client;
  private final String node;
  private final Path dir;
  private final Duration validity;
  private final Duration timeout;
  private final Clock clock;
  private final PrintStream out;
  private SwappableKeyManager keys;
  private Thread renewer;

  public NodeCertificates(
      KubernetesClient client,
      String node,
      Path dir,
      Duration validity,
      Duration timeout,
      Clock clock,
      PrintStream out) {
    this.client = client;
    this.node = node;
    this.dir = dir;
    this.validity = validity;
    this.timeout = timeout;
    this.clock = clock;
    this.out = out;
  }

  /** The key manager to build the channel with; its certificate is this node's, renewed. */
  public synchronized SwappableKeyManager obtain() throws IOException, InterruptedException {
    Optional<KeyMaterial> kept = kept();
    KeyMaterial material = kept.isPresent() ? kept.get() : request();
    if (keys == null) {
      keys = new SwappableKeyManager(material);
    } else {
      keys.swap(material);
    }
    return keys;
  }

  /** The operator's CA as its ConfigMap publishes it; kept in the directory too. */
  public X509Certificate ca() throws IOException {
    ConfigMap cm = client.configMaps().withName(CA_CONFIG_MAP).get();
    String pem = cm == null || cm.getData() == null ? null : cm.getData().get("ca.crt");
    if (pem == null) {
      throw new IOException(
          "ConfigMap "
              + client.getNamespace()
              + "/"
              + CA_CONFIG_MAP
              + ": data.ca.crt is missing (the operator writes it when it issues certificates)");
    }
    write(dir.resolve("ca.crt"), pem, false);
    return Pem.certificates(pem).getFirst();
  }

  /** When the current certificate is due: two thirds into its life. */
  public static Instant renewalTime(X509Certificate cert) {
    Instant from = cert.getNotBefore().toInstant();
    Instant to = cert.getNotAfter().toInstant();
    return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
  }

  /** Renews in the background at each renewal time; a failure is retried a minute later. */
  public NodeCertificates start() {
    renewer =
        Thread.ofVirtual()
            .name("node-certificate")
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    try {
                      Duration wait =
                          Duration.between(clock.instant(), renewalTime(keys.current().leaf()));
                      Thread.sleep(Math.max(1000, wait.toMillis()));
                      obtain();
                    } catch (InterruptedException e) {
                      return;
                    } catch (IOException | RuntimeException e) {
                      out.println(
                          "palisade-node: renewing the certificate failed: " + e.getMessage());
                      sleepQuietly(Duration.ofMinutes(1));
                    }
                  }
                });
    return this;
  }

  private Optional<KeyMaterial> kept() throws IOException {
    Path crt = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    if (!Files.exists(crt) || !Files.exists(key)) {
      return Optional.empty();
    }
    List<X509Certificate> chain = Pem.certificates(Files.readString(crt));
    X509Certificate leaf = chain.getFirst();
    boolean ours = leaf.getSubjectX500Principal().equals(subject()) && signedBy(leaf, ca());
    if (!ours || !clock.instant().isBefore(renewalTime(leaf))) {
      return Optional.empty();
    }
    return Optional.of(
        new KeyMaterial(
            Pem.privateKey(Files.readString(key)), chain.toArray(X509Certificate[]::new)));
  }

  /** False for a certificate of a CA that has since been replaced: the operator would refuse it. */
  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private KeyMaterial request() throws IOException, InterruptedException {
    KeyPair pair = newKeyPair();
    CertificateSigningRequest csr =
        client
            .certificates()
            .v1()
            .certificateSigningRequests()
            .resource(
                new CertificateSigningRequestBuilder()
                    .withNewMetadata()
                    .withGenerateName("palisade-node-" + node + "-")
                    .addToLabels("app.kubernetes.io/part-of", "palisade")
                    .endMetadata()
                    .withNewSpec()
                    .withSignerName(SIGNER)
                    .withRequest(
                        Base64.getEncoder()
                            .encodeToString(csrPem(pair).getBytes(StandardCharsets.US_ASCII)))
                    .withUsages("digital signature", "client auth")
                    .withExpirationSeconds((int) validity.toSeconds())
                    .endSpec()
                    .build())
            .create();
    String name = csr.getMetadata().getName();
    out.println("palisade-node: asked for a certificate for " + node + ": " + name);
    X509Certificate cert = await(name);
    write(dir.resolve("tls.key"), Pem.privateKey(pair.getPrivate()), true);
    write(dir.resolve("tls.crt"), Pem.certificate(cert), false);
    out.println(
        "palisade-node: certificate for "
            + node
            + " valid until "
            + cert.getNotAfter().toInstant());
    return new KeyMaterial(pair.getPrivate(), new X509Certificate[] {cert});
  }

  private X509Certificate await(String name) throws IOException, InterruptedException {
    Instant deadline = clock.instant().plus(timeout);
    while (clock.instant().isBefore(deadline)) {
      CertificateSigningRequest csr =
          client.certificates().v1().certificateSigningRequests().withName(name).get();
      if (csr == null) {
        throw new IOException("CertificateSigningRequest " + name + " was deleted");
      }
      if (csr.getStatus() != null) {
        for (CertificateSigningRequestCondition c :
            Optional.ofNullable(csr.getStatus().getConditions()).orElse(List.of())) {
          if (("Denied".equals(c.getType()) || "Failed".equals(c.getType()))
              && "True".equals(c.getStatus())) {
            throw new IOException(
                "CertificateSigningRequest " + name + " " + c.getType() + ": " + c.getMessage());
          }
        }
        String issued = csr.getStatus().getCertificate();
        if (issued != null && !issued.isEmpty()) {
          String pem = new String(Base64.getDecoder().decode(issued), StandardCharsets.US_ASCII);
          return Pem.certificates(pem).getFirst();
        }
      }
      Thread.sleep(250);
    }
    throw new IOException(
        "CertificateSigningRequest "
            + name
            + " not signed within "
            + timeout
            + ": is the operator running with palisade.node-state.tls.issue=true?");
  }

  private X500Principal subject() {
    return new X500Principal("CN=" + node);
  }

  private String csrPem(KeyPair pair) throws IOException {
    try {
      PKCS10CertificationRequest csr =
          new JcaPKCS10CertificationRequestBuilder(subject(), pair.getPublic())
              .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
        pem.writeObject(csr);
      }
      return w.toString();
    } catch (OperatorCreationException e) {
      throw new IOException("cannot sign the certificate request", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has EC P-256", e);
    }
  }

  /** Writes through a temporary file, so a crash never leaves half a key; keys readable by root. */
  private void write(Path file, String content, boolean secret) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".tls", ".tmp");
    if (secret) {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void sleepQuietly(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (renewer != null) {
      renewer.interrupt();
    }
  }
}
