#!/usr/bin/env bash
# Builds the benchmarks jar and runs the Kafka proxy benchmark on loopback: produce throughput of
# one Kafka producer through the Kafka proxy against the same producer straight to the same broker
# (Apache Kafka's KRaft broker, started in the benchmark's JVM), in alternating rounds of one run.
# Options as system properties: BENCH_OPTS="-Dbench.records=200000 -Dbench.size=1024
# -Dbench.rounds=3 -Dbench.warmup=5 -Dbench.threads=true" (the last adds CPU per MiB by kind of
# thread). Takes two to three minutes, most of it the broker's start and the warm-up.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_OPTS:-} \
  -cp benchmarks/target/benchmarks.jar io.palisade.benchmarks.kafka.KafkaBenchmark
