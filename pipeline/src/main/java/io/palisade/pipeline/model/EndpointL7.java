package io.palisade.pipeline.model;

import java.util.List;

/**
 * A local endpoint whose traffic goes through an L7 proxy: its addresses and its grants, and
 * whether it declared that its own gRPC server enforces its ingress grants (proxyless gRPC).
 */
public record EndpointL7(
    String id, List<String> addresses, long identity, List<L7Grant> grants, boolean proxylessGrpc) {

  public EndpointL7 {
    addresses = List.copyOf(addresses);
    grants = List.copyOf(grants);
  }

  /** An endpoint whose grants are all for the node's proxy. */
  public EndpointL7(String id, List<String> addresses, long identity, List<L7Grant> grants) {
    this(id, addresses, identity, grants, false);
  }
}
