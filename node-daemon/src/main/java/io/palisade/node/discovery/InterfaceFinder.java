package io.palisade.node.discovery;

import io.palisade.pipeline.model.EndpointState;
import io.palisade.policy.identity.CidrPrefix;

/**
 * Places each address of a local endpoint on this host. A finder that reads the kernel's tables
 * reads them once per {@link #fresh} pass, so binding a node with many pods costs one look at the
 * tables, not one per pod.
 */
@FunctionalInterface
public interface InterfaceFinder {

  Placement place(EndpointState endpoint, CidrPrefix address);

  /** A finder over the host as it is now; called once before each bind. */
  default InterfaceFinder fresh() {
    return this;
  }
}
