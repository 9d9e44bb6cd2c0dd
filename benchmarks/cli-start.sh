#!/usr/bin/env bash
# Wall time of `palisade validate` on one small file, as bin/palisade runs it (the build's AOT
# cache, C1 only) and as a plain java -jar, alternating so both see the same load. Prints the
# median and the 90th percentile of each and their ratio. With a second argument, the bin/palisade
# of another checkout (built, e.g. a worktree of an earlier commit) runs in the same alternation.
# Usage: benchmarks/cli-start.sh [runs] [other-checkout/bin/palisade]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-21}"
other="${2:-}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
jar="$root/cli/target/palisade.jar"
aot="$root/cli/target/palisade.aot"
file="$root/config/samples/policies/deathstar-l3-l4.yaml"
if [ ! -f "$jar" ] || [ ! -f "$aot" ] || [ "$jar" -nt "$aot" ]; then
  echo "cli-start: build the CLI first (./mvnw -pl cli -am package -DskipTests): $aot missing or older than the jar" >&2
  exit 2
fi
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "cli-start: $* failed" >&2; exit 1; }; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
loadavg=$(cut -d" " -f1-3 /proc/loadavg)
plain=(); cached=(); earlier=()
for ((i = 0; i < runs; i++)); do
  plain+=("$(ms "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" validate "$file")")
  cached+=("$(ms "$root/bin/palisade" validate "$file")")
  if [ -n "$other" ]; then
    earlier+=("$(ms "$other" validate "$file")")
  fi
done
stat() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%d %d", a[int((NR+1)/2)], a[int(NR*0.9+0.999)]}'; }
read -r pm p90 <<<"$(stat "${plain[@]}")"
read -r cm c90 <<<"$(stat "${cached[@]}")"
printf '%-28s %10s %10s\n' "palisade validate, $runs runs" "median ms" "p90 ms"
printf '%-28s %10d %10d\n' "java -jar (baseline)" "$pm" "$p90"
printf '%-28s %10d %10d\n' "as bin/palisade runs it" "$cm" "$c90"
if [ -n "$other" ]; then
  read -r om o90 <<<"$(stat "${earlier[@]}")"
  printf '%-28s %10d %10d\n' "the other bin/palisade" "$om" "$o90"
fi
awk -v a="$pm" -v b="$cm" 'BEGIN {printf "speed-up at the median: %.2fx (goal: under 300 ms)\n", a / b}'
echo "load average: $loadavg at the start, $(cut -d" " -f1-3 /proc/loadavg) at the end"
