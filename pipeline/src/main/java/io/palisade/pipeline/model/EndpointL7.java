package io.palisade.pipeline.model;

import java.util.List;

/** A local endpoint whose traffic goes through an L7 proxy: its addresses and its grants. */
public record EndpointL7(String id, List<String> addresses, long identity, List<L7Grant> grants) {

  public EndpointL7 {
    addresses = List.copyOf(addresses);
    grants = List.copyOf(grants);
  }
}
