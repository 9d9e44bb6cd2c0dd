package io.palisade.pipeline.model;

import java.util.Map;

/**
 * What is particular to one node: its endpoints by id, and the policy of every identity that one of
 * them has.
 */
public record LocalState(Map<String, EndpointState> endpoints, Map<Long, IdentityPolicy> policies) {

  public static final LocalState EMPTY = new LocalState(Map.of(), Map.of());

  public LocalState {
    endpoints = Map.copyOf(endpoints);
    policies = Map.copyOf(policies);
  }
}
