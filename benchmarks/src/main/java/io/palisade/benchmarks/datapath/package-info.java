/**
 * The kernel datapath's apply of a revision at one node's share of Cilium's 1,000-node shape, on
 * real pinned maps in a bpf filesystem of the benchmark's own (root only).
 */
package io.palisade.benchmarks.datapath;
