#!/usr/bin/env bash
# Builds the benchmarks jar and measures what the embedded proxy's update costs a node on every
# revision over 30,000 peers, without L7 rules and with one HTTP rule, beside parsing the peers
# once in the same run (JMH, µs/revision). Arguments go to JMH (e.g. -i 10 -wi 5).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
exec "$JAVA_HOME/bin/java" -cp benchmarks/target/benchmarks.jar \
  io.palisade.benchmarks.proxy.ProxyUpdateBenchmark "$@"
