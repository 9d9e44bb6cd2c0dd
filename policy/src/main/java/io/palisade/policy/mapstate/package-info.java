/**
 * MapState: the per-identity table the datapath consults for every new flow, keyed by direction,
 * peer identity, protocol and port prefix, and made conflict-free so that the datapath's lookup
 * order gives the policy's answer.
 */
package io.palisade.policy.mapstate;
