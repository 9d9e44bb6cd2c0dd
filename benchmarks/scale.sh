#!/usr/bin/env bash
# Builds the benchmarks jar and runs the operator scale benchmark: Cilium's CI scale shape (1,000
# nodes, 6,000 identities, 30,000 pods, 30,000 policies) in the operator's pipeline, 1,000 node
# daemons on real gRPC streams in a JVM of their own, change-to-all-acks through Pipeline.run()
# beside the full recompute in the same run, and the operator's heap. Arguments go to the
# benchmark (--help lists them; --toy for a quick look). SCALE_HEAP sets the operator's -Xmx.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
exec "$JAVA_HOME/bin/java" -Xmx"${SCALE_HEAP:-10g}" \
  --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp benchmarks/target/benchmarks.jar io.palisade.benchmarks.scale.OperatorScaleBenchmark "$@"
