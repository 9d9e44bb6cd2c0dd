package io.palisade.operator.nodestate;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The node a daemon's client certificate names (its subject CN), carried from the TLS session into
 * the call's context so the service can hold a hello to it.
 */
public final class PeerNode implements ServerInterceptor {

  static final Context.Key<Optional<String>> NODE = Context.key("palisade-peer-node");

  /** The CN of the current call's verified client certificate, if it showed one. */
  public static Optional<String> current() {
    Optional<String> node = NODE.get();
    return node == null ? Optional.empty() : node;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    Context ctx = Context.current().withValue(NODE, commonName(session));
    return Contexts.interceptCall(ctx, call, headers, next);
  }

  /** The peer's certificate's CN, if the peer showed a certificate. */
  static Optional<String> commonName(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(rdn.getValue().toString());
        }
      }
      return Optional.empty();
    } catch (SSLPeerUnverifiedException | InvalidNameException e) {
      return Optional.empty();
    }
  }
}
