package io.palisade.pipeline.model;

import java.util.List;

/**
 * A node as the pipeline needs it: its name and the addresses its {@code status.addresses} give as
 * {@code InternalIP} or {@code ExternalIP}, which are the {@code host} on the node itself and
 * {@code remote-node} on the others.
 */
public record NodeInfo(String name, List<String> addresses) {

  public NodeInfo {
    addresses = List.copyOf(addresses);
  }
}
