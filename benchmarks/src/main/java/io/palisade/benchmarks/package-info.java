/**
 * JMH benchmarks of policy resolution over a generated cluster, each measured beside a baseline in
 * the same run; {@link io.palisade.benchmarks.BenchmarkReport} runs them and prints the figures.
 */
package io.palisade.benchmarks;
