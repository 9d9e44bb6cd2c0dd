#!/usr/bin/env bash
# Builds the benchmarks jar and runs the embedded L7 proxy benchmark on loopback: latency (p50, p90,
# p99) of one keep-alive connection through the proxy against the same requests sent straight to
# the same upstream, in alternating rounds of the same run, then requests per second both ways.
# As root the proxy's sockets get IP_TRANSPARENT and SO_MARK, as in the node daemon. Options as
# system properties: BENCH_OPTS="-Dbench.requests=20000 -Dbench.rounds=5 -Dbench.connections=4
# -Dbench.seconds=5 -Dbench.proxyThreads=1". Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_OPTS:-} \
  -cp benchmarks/target/benchmarks.jar io.palisade.benchmarks.proxy.ProxyBenchmark
