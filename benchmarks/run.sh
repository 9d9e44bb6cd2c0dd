#!/usr/bin/env bash
# Builds the benchmarks jar and runs the JMH suite: full resolution and one identity added, each
# beside its baseline from the same run. Arguments go to JMH (e.g. -i 10, or a benchmark regex)
# or are --check-all. Takes about four minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
exec "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar "$@"
