package io.palisade.operator.runtime;

import io.palisade.operator.nodestate.NodeStateSecurity;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The node-state server's properties, checked before anything else starts: an operator that would
 * serve node state insecurely without being told to stops with one line naming the property, rather
 * than after it has reached the API server (or with a stack trace).
 */
@ApplicationScoped
public class NodeStateConfig {

  @ConfigProperty(name = "palisade.node-state.port", defaultValue = "9870")
  int port;

  /** PEM files of the node-state server's certificate and key. */
  @ConfigProperty(name = NodeStateSecurity.CERT)
  Optional<String> tlsCert;

  @ConfigProperty(name = NodeStateSecurity.KEY)
  Optional<String> tlsKey;

  /** PEM file of the CA that signs the daemons' certificates: mutual TLS. */
  @ConfigProperty(name = NodeStateSecurity.CLIENT_CA)
  Optional<String> tlsClientCa;

  /**
   * Without TLS files: the operator issues the certificates itself (its CA in the Secret
   * palisade-ca, node certificates through CertificateSigningRequests). See the README.
   */
  @ConfigProperty(name = NodeStateSecurity.ISSUE, defaultValue = "false")
  boolean issue;

  /** Allows the node-state server without TLS, or without a client CA. */
  @ConfigProperty(name = NodeStateSecurity.INSECURE, defaultValue = "false")
  boolean insecure;

  @ConfigProperty(name = "palisade.runtime.enabled", defaultValue = "true")
  boolean enabled;

  void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
    if (enabled && !issues()) {
      security();
    }
  }

  int port() {
    return port;
  }

  /** Whether the operator issues the certificates: asked for, and no files given instead. */
  boolean issues() {
    return issue && tlsCert.isEmpty() && tlsKey.isEmpty();
  }

  /**
   * The security the properties ask for when the operator does not issue the certificates; a
   * refusal is a {@link ConfigurationException}, which Quarkus prints as its message alone before
   * it exits.
   */
  NodeStateSecurity security() {
    try {
      return NodeStateSecurity.fromProperties(tlsCert, tlsKey, tlsClientCa, insecure);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage());
    }
  }
}
