#!/usr/bin/env bash
# Builds the benchmarks jar and runs the apply benchmark as root: Datapath.apply at one node's share
# of Cilium's 1,000-node shape (30,000 ipcache entries, 30 endpoints, 3,300 policy entries) on real
# maps pinned in a bpf filesystem of its own, in a network namespace it makes and removes; the
# whole state once, then revisions that each move one port of one policy, then revisions that each
# move one address. Given an earlier checkout (e.g. `git worktree add --detach ../base <commit>`),
# it builds that checkout's node daemon and runs the benchmark over it and over this build in turn,
# ROUNDS times (default 3), so before and after share the run. Takes about a minute a round.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
base="${1:-}"
./mvnw -B -ntp -q -pl benchmarks -am package -DskipTests
run() {
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dbench.label="$1" -cp "$2" \
    io.palisade.benchmarks.datapath.ApplyBenchmark
}
after=benchmarks/target/benchmarks.jar
if [ -n "$base" ]; then
  (cd "$base" && ./mvnw -B -ntp -q -pl node-daemon -am package -DskipTests)
  # The earlier node daemon's classes first: they shadow this build's in the benchmarks jar.
  before="$(ls "$base"/node-daemon/target/palisade-node-daemon-*-SNAPSHOT.jar | grep -v tests):$after"
  label="before ($(git -C "$base" rev-parse --short HEAD))"
fi
for round in $(seq "${ROUNDS:-3}"); do
  if [ -n "$base" ]; then
    run "$label" "$before"
  fi
  run "after ($(git rev-parse --short HEAD))" "$after"
done
