/**
 * The operator scale benchmark: a generated cluster of Cilium's CI scale-test size in the
 * operator's real inventory and pipeline, 1,000 node daemons on real gRPC streams, and the time
 * from a policy change to every ack, beside the full recompute measured in the same run; {@link
 * io.palisade.benchmarks.scale.OperatorScaleBenchmark} runs it and prints the figures.
 */
package io.palisade.benchmarks.scale;
