package io.palisade.node.datapath;

import io.palisade.pipeline.model.EndpointState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * An address of an endpoint expected on this host that is not enforced: no interface could be bound
 * to it, or the programs could not be attached to the one found. A revision with a pending endpoint
 * is never reported as enforced.
 */
public record PendingEndpoint(String id, String address, String reason) {

  /**
   * The addresses of {@code endpoints} bound in {@code state} to an interface the programs could
   * not be attached to ({@link ApplyResult#unattached}: interface to why).
   */
  public static List<PendingEndpoint> unattached(
      Collection<EndpointState> endpoints, DatapathState state, Map<String, String> unattached) {
    List<PendingEndpoint> out = new ArrayList<>();
    for (LocalEndpoint ep : state.endpoints()) {
      String why = unattached.get(ep.hostInterface());
      if (why == null) {
        continue;
      }
      for (EndpointState e : endpoints) {
        for (String address : e.addresses()) {
          if (DatapathState.prefix(address).equals(ep.address())) {
            out.add(new PendingEndpoint(e.id(), address, why));
          }
        }
      }
    }
    return out;
  }

  /** {@code namespace/pod address (reason)}, as logs and acks say it. */
  @Override
  public String toString() {
    return id + " " + address + " (" + reason + ")";
  }
}
