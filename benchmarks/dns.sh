#!/usr/bin/env bash
# Builds the benchmarks jar and runs the DNS proxy benchmark on loopback: the latency (p50, p90,
# p99) of one A query over UDP straight to Debian's dnsmasq against the same query through the
# node's DNS proxy (a rules.dns pattern checked, the query forwarded), in alternating rounds of the
# same run, and through the proxy with the answer hand-off that a toFQDNs name takes. As root the
# proxy's sockets are transparent and marked, as in the node daemon. Needs dnsmasq-base. Options as
# system properties: BENCH_OPTS="-Dbench.queries=5000 -Dbench.rounds=5".
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED ${BENCH_OPTS:-} \
  -cp benchmarks/target/benchmarks.jar io.palisade.benchmarks.dns.DnsBenchmark
