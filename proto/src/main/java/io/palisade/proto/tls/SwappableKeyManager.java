package io.palisade.proto.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose key and certificate chain can be replaced while connections are open: the
 * next handshake shows the new certificate, and the streams already established keep going. Both
 * ends of the node-state stream renew their certificates this way, without a restart. Safe to use
 * from any thread.
 */
public final class SwappableKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "current";

  /** A private key and the chain of its certificate, leaf first. */
  public record KeyMaterial(PrivateKey key, X509Certificate[] chain) {
    public KeyMaterial {
      if (chain.length == 0) {
        throw new IllegalArgumentException("a certificate chain needs its leaf");
      }
      chain = chain.clone();
    }

    public X509Certificate leaf() {
      return chain[0];
    }
  }

  private final AtomicReference<KeyMaterial> current;

  public SwappableKeyManager(KeyMaterial initial) {
    this.current = new AtomicReference<>(initial);
  }

  /** Shows {@code next} from the next handshake on. */
  public void swap(KeyMaterial next) {
    current.set(next);
  }

  public KeyMaterial current() {
    return current.get();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return ALIAS;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return ALIAS;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return current.get().chain.clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return current.get().key();
  }
}
