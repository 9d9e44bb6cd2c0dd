package io.palisade.operator.nodestate;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

/**
 * How the node-state server speaks TLS: from PEM files ({@link NodeTls}, e.g. cert-manager's) or
 * with certificates the operator issues itself ({@code certs.ServerCertificates}).
 */
public interface ServerTls {

  /** With a client CA every daemon must show a certificate, and speaks only for its CN's node. */
  boolean requiresClientCertificates();

  SslContext serverContext();
}
