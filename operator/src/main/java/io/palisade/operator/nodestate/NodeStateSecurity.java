package io.palisade.operator.nodestate;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the node-state server meets the daemons. Mutual TLS is the default and the only safe way:
 * without TLS anyone on the path reads every node's state and forges what nodes enforce, and
 * without a client CA any peer may say hello as any node and receive its ipcache and policy. Both
 * take an explicit {@code palisade.node-state.insecure=true}, and a daemon whose certificate a
 * client CA checked is always held to the node its CN names.
 */
public record NodeStateSecurity(Optional<ServerTls> tls, boolean insecure) {

  public static final String INSECURE = "palisade.node-state.insecure";
  public static final String CERT = "palisade.node-state.tls.cert";
  public static final String KEY = "palisade.node-state.tls.key";
  public static final String CLIENT_CA = "palisade.node-state.tls.client-ca";
  public static final String ISSUE = "palisade.node-state.tls.issue";

  /** Refuses what {@code insecure} does not allow, in one line naming the property to set. */
  public NodeStateSecurity {
    if (!insecure && tls.isEmpty()) {
      throw new IllegalArgumentException(
          "the node-state server would serve plain text, so anyone on the path could read and"
              + " forge node state: set "
              + CERT
              + ", "
              + KEY
              + " and "
              + CLIENT_CA
              + ", or "
              + ISSUE
              + "=true for certificates the operator issues, or "
              + INSECURE
              + "=true to allow it");
    }
    if (!insecure && !tls.get().requiresClientCertificates()) {
      throw new IllegalArgumentException(
          "the node-state server has no client CA, so any peer could claim any node and receive"
              + " its state: set "
              + CLIENT_CA
              + ", or "
              + INSECURE
              + "=true to allow it");
    }
  }

  /** Mutual TLS: daemons show a certificate {@code tls}'s client CA signed. */
  public static NodeStateSecurity mutualTls(ServerTls tls) {
    return new NodeStateSecurity(Optional.of(tls), false);
  }

  /** Plain text, said explicitly: for tests and harnesses on loopback. */
  public static NodeStateSecurity insecurePlainText() {
    return new NodeStateSecurity(Optional.empty(), true);
  }

  /** From the operator's properties (each PEM file path, or absent); refuses as above. */
  public static NodeStateSecurity fromProperties(
      Optional<String> cert, Optional<String> key, Optional<String> clientCa, boolean insecure) {
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException(CERT + " and " + KEY + " go together: set both");
    }
    if (cert.isEmpty() && clientCa.isPresent()) {
      throw new IllegalArgumentException(CLIENT_CA + " needs " + CERT + " and " + KEY + " as well");
    }
    Optional<ServerTls> tls =
        cert.map(c -> new NodeTls(Path.of(c), Path.of(key.get()), clientCa.map(Path::of)));
    return new NodeStateSecurity(tls, insecure);
  }

  /** Whether a daemon may say hello only as the node its certificate names. */
  public boolean pinsNodes() {
    return tls.map(ServerTls::requiresClientCertificates).orElse(false);
  }

  /** For the startup log line. */
  public String describe() {
    if (pinsNodes()) {
      return "mutual TLS";
    }
    return tls.isPresent()
        ? "TLS without client certificates (" + INSECURE + "=true)"
        : "plain text (" + INSECURE + "=true)";
  }
}
