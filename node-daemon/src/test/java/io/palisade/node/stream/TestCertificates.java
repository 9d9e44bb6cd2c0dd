package io.palisade.node.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throwaway CA and certificates signed by it, made with the JDK's keytool, as PEM files; the
 * operator's TLS tests use it too.
 */
public final class TestCertificates {

  private static final String PASS = "changeit";
  private final Path dir;

  public TestCertificates(Path dir) throws Exception {
    this.dir = dir;
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=palisade-test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        p12("ca"));
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", p12("ca"), "-file", cert("ca"));
  }

  /** Issues a certificate for {@code name} (its CN), valid for 127.0.0.1. */
  public TestCertificates issue(String name) throws Exception {
    return issue(name, "CN=" + name);
  }

  /** Issues a certificate kept as {@code name} with subject {@code dname}, for 127.0.0.1. */
  public TestCertificates issue(String name, String dname) throws Exception {
    keytool(
        "-genkeypair",
        "-alias",
        name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        dname,
        "-validity",
        "2",
        "-keystore",
        p12(name));
    String csr = dir.resolve(name + ".csr").toString();
    keytool("-certreq", "-alias", name, "-keystore", p12(name), "-file", csr);
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        p12("ca"),
        "-infile",
        csr,
        "-outfile",
        cert(name),
        "-ext",
        "san=ip:127.0.0.1",
        "-validity",
        "2");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(p12(name)))) {
      ks.load(in, PASS.toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey(name, PASS.toCharArray());
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(key(name), pem);
    return this;
  }

  public Path certificate(String name) {
    return Path.of(cert(name));
  }

  public Path key(String name) {
    return dir.resolve(name + ".key");
  }

  private String cert(String name) {
    return dir.resolve(name + ".pem").toString();
  }

  private String p12(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storepass", PASS, "-storetype", "PKCS12", "-noprompt"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
