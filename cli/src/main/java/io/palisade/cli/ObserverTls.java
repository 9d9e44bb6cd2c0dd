package io.palisade.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * The observer's side of the operator's mutual TLS for {@code palisade observe --operator}: a
 * certificate whose CN is {@code observer:NAME}, its key, and the CA that signed the operator's
 * certificate, all PEM. Every unusable file is refused naming its flag before anything connects.
 */
record ObserverTls(Path certificate, Path key, Path ca) {

  /** The files' problems, each naming its flag; empty when all three can be used. */
  List<String> problems() {
    List<String> out = new ArrayList<>();
    readable("--tls-cert", certificate, out);
    readable("--tls-key", key, out);
    readable("--tls-ca", ca, out);
    if (!out.isEmpty()) {
      return out;
    }
    certificates("--tls-cert", certificate, out);
    certificates("--tls-ca", ca, out);
    if (!out.isEmpty()) {
      return out;
    }
    keyOfCertificate(out);
    return out;
  }

  /**
   * A channel to {@code hostPort} over these files; the files must have passed {@link #problems}.
   */
  ManagedChannel channel(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    int port = -1;
    if (colon > 0) {
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "--operator: \"" + hostPort + "\" is not HOST:PORT (the node-state port, 9870)");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    SslContext ssl;
    try {
      ssl =
          GrpcSslContexts.forClient()
              .trustManager(ca.toFile())
              .keyManager(certificate.toFile(), key.toFile())
              .build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("--tls-cert, --tls-key, --tls-ca: " + e.getMessage(), e);
    }
    return NettyChannelBuilder.forAddress(host, port)
        .sslContext(ssl)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .build();
  }

  /**
   * Whether the key is the certificate's: a TLS library finds out only in the handshake, where the
   * operator's refusal would not say which file is wrong.
   */
  private void keyOfCertificate(List<String> out) {
    try (Reader in = Files.newBufferedReader(key)) {
      Object pem = new PEMParser(in).readObject();
      PrivateKey privateKey =
          switch (pem) {
            case PEMKeyPair pair -> new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
            case PrivateKeyInfo info -> new JcaPEMKeyConverter().getPrivateKey(info);
            case null, default -> null;
          };
      if (privateKey == null) {
        out.add("--tls-key: " + key + " holds no PEM private key");
        return;
      }
      X509Certificate leaf;
      try (InputStream c = Files.newInputStream(certificate)) {
        leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(c);
      }
      String algorithm =
          privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = "palisade".getBytes(StandardCharsets.UTF_8);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        out.add(
            "--tls-key: "
                + key
                + " is not the key of the certificate in --tls-cert "
                + certificate);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      out.add(
          "--tls-key: "
              + key
              + " is not a PEM private key of the certificate in --tls-cert "
              + certificate
              + ": "
              + e.getMessage());
    }
  }

  private static void readable(String flag, Path file, List<String> out) {
    if (!Files.isRegularFile(file)) {
      out.add(flag + ": " + file + " does not exist or is not a file");
    } else if (!Files.isReadable(file)) {
      out.add(flag + ": " + file + " cannot be read");
    }
  }

  private static void certificates(String flag, Path file, List<String> out) {
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        out.add(flag + ": " + file + " holds no PEM certificate");
      }
    } catch (CertificateException | IOException e) {
      out.add(flag + ": " + file + " holds no PEM certificate: " + e.getMessage());
    }
  }
}
