package io.palisade.operator.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The node-state stream's certificate authority: a self-signed EC P-256 CA that signs the
 * operator's server certificate (serverAuth only) and one client certificate per node (clientAuth
 * only, CN = the node's name), so that neither can stand in for the other.
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new CA named {@code commonName}, valid from {@code now} for {@code validity}. */
  public static CertificateAuthority create(String commonName, Instant now, Duration validity) {
    KeyPair pair = newKeyPair();
    X500Name name = new X500Name("CN=" + commonName);
    try {
      X509v3CertificateBuilder b = builder(name, name, pair.getPublic(), now, validity);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the CA certificate", e);
    }
  }

  /** The operator's server certificate for {@code dnsNames} (the first is also its CN). */
  public X509Certificate issueServer(
      PublicKey key, List<String> dnsNames, Instant now, Duration validity) {
    GeneralName[] names =
        dnsNames.stream()
            .map(n -> new GeneralName(GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
    return issue(
        new X500Name("CN=" + dnsNames.getFirst()),
        key,
        new GeneralNames(names),
        KeyPurposeId.id_kp_serverAuth,
        now,
        validity);
  }

  /** A node's client certificate: CN = {@code node}, nothing else in the subject. */
  public X509Certificate issueNode(PublicKey key, String node, Instant now, Duration validity) {
    return issue(
        new X500Name(new org.bouncycastle.asn1.x500.RDN[] {nodeRdn(node)}),
        key,
        null,
        KeyPurposeId.id_kp_clientAuth,
        now,
        validity);
  }

  /** A fresh EC P-256 key pair, as the CA and every certificate it signs use. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has EC P-256", e);
    }
  }

  /**
   * When a certificate should be replaced: two thirds into its lifetime, which leaves a third to
   * retry in if the first attempt fails.
   */
  public static Instant renewalTime(X509Certificate cert) {
    Instant from = cert.getNotBefore().toInstant();
    Instant to = cert.getNotAfter().toInstant();
    return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
  }

  private static org.bouncycastle.asn1.x500.RDN nodeRdn(String node) {
    return new X500Name("CN=" + escape(node)).getRDNs()[0];
  }

  private static String escape(String value) {
    // Node names are DNS subdomains, but a name is never trusted to be one here.
    return value.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
  }

  private X509Certificate issue(
      X500Name subject,
      PublicKey key,
      GeneralNames sans,
      KeyPurposeId purpose,
      Instant now,
      Duration validity) {
    try {
      X509v3CertificateBuilder b =
          builder(
              X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
              subject,
              key,
              now,
              validity);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return sign(b, this.key);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate for " + subject, e);
    }
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Instant now, Duration validity) {
    // A minute of slack before now: clocks of nodes and operator are never exactly together.
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(127, RANDOM),
        Date.from(now.minusSeconds(60)),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
