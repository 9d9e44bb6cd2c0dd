#!/usr/bin/env bash
# Wall time of `palisade validate` on one small file, as bin/palisade runs it (the build's AOT
# cache, C1 only) and as a plain java -jar, alternating so both see the same load. Prints the
# median and the 90th percentile of each and their ratio. Usage: benchmarks/cli-start.sh [runs]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-21}"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
jar="$root/cli/target/palisade.jar"
aot="$root/cli/target/palisade.aot"
file="$root/config/samples/policies/deathstar-l3-l4.yaml"
if [ ! -f "$jar" ] || [ ! -f "$aot" ] || [ "$jar" -nt "$aot" ]; then
  echo "cli-start: build the CLI first (./mvnw -pl cli -am package -DskipTests): $aot missing or older than the jar" >&2
  exit 2
fi
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "cli-start: $* failed" >&2; exit 1; }; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
plain=(); cached=()
for ((i = 0; i < runs; i++)); do
  plain+=("$(ms "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" validate "$file")")
  cached+=("$(ms "$root/bin/palisade" validate "$file")")
done
stat() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%d %d", a[int((NR+1)/2)], a[int(NR*0.9+0.999)]}'; }
read -r pm p90 <<<"$(stat "${plain[@]}")"
read -r cm c90 <<<"$(stat "${cached[@]}")"
printf '%-28s %10s %10s\n' "palisade validate, $runs runs" "median ms" "p90 ms"
printf '%-28s %10d %10d\n' "java -jar (baseline)" "$pm" "$p90"
printf '%-28s %10d %10d\n' "as bin/palisade runs it" "$cm" "$c90"
awk -v a="$pm" -v b="$cm" 'BEGIN {printf "speed-up at the median: %.2fx (goal: under 300 ms)\n", a / b}'
