#!/usr/bin/env bash
# Builds the benchmarks jar and runs the xDS ack benchmark: a policy change to ACKs from 1,000
# minimal ADS clients on real gRPC streams to the operator's xDS server on loopback, beside the same
# change published to one client in the same run, and the same clients on a plain grpc-java bidi
# service (the transport alone, no java-control-plane). Arguments: --clients N --changes N
# --warmup N --baseline-changes N --client-threads N. XDS_JAVA_OPTS adds JVM options (a flight
# recording: XDS_JAVA_OPTS="-XX:StartFlightRecording=filename=xds.jfr").
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
exec "$JAVA_HOME/bin/java" -Xmx"${XDS_HEAP:-4g}" ${XDS_JAVA_OPTS:-} \
  -cp benchmarks/target/benchmarks.jar io.palisade.benchmarks.xds.XdsAckBenchmark "$@"
