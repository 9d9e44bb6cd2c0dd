#!/usr/bin/env bash
# Builds the benchmarks jar and runs the Service benchmark as root: the cost of a new connection to
# a ClusterIP with 10, 1,000 and 10,000 Services, Palisade's translation on the pod's veth
# (BPF_PROG_TEST_RUN) beside kube-proxy's iptables rules for the same Services, in the same run.
# Everything happens in network namespaces it makes and removes. Arguments are Service counts,
# comma-separated (default 10,1000,10000). Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dbench.services="${1:-}" \
  -cp benchmarks/target/benchmarks.jar io.palisade.benchmarks.services.ServiceBenchmark
