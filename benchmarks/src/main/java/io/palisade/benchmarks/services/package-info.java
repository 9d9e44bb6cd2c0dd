/**
 * The cost of a new connection to a Service: Palisade's translation on the pod's veth against
 * kube-proxy's iptables rules for the same Services, in the same run (root only).
 */
package io.palisade.benchmarks.services;
