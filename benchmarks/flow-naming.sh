#!/usr/bin/env bash
# Builds the benchmarks jar and measures what naming one relayed flow costs the operator over the
# Star Wars samples, cached and uncached, beside Flow.toJson in the same run (JMH, ns/flow).
# Arguments go to JMH (e.g. -i 10 -wi 5).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
exec "$JAVA_HOME/bin/java" -cp benchmarks/target/benchmarks.jar \
  io.palisade.benchmarks.flows.FlowNamingBenchmark "$@"
