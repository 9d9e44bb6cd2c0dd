package io.palisade.xds;

/**
 * Who reads the resources. Only the listener and the route's action differ between them; the RBAC
 * is the same.
 */
public sealed interface Target {

  /**
   * Envoy on the node: a transparent listener per (parser, direction) on the proxy port, routes to
   * the original destination.
   */
  record Envoy() implements Target {}

  /**
   * A grpc-java server with xDS credentials (proxyless gRPC) answering on {@code port}: it asks for
   * the listener {@code listenerName}, takes ingress only, and serves routes itself.
   */
  record ProxylessGrpc(String listenerName, int port) implements Target {}
}
