#!/usr/bin/env bash
# Wall time of one `incidentmap geocode NAME` process on the embedded
# gazetteer (target: under 100 ms). Uses hyperfine when installed, else a
# loop timed with date +%s%N; prints the median.
#
#   bench/geocode_latency.sh [NAME=Khanaqin] [RUNS=50]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=${1:-Khanaqin}
RUNS=${2:-50}
BIN=${BIN:-target/release/incidentmap}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
EMPTY=$(mktemp -d)
trap 'rm -rf "$EMPTY"' EXIT
export INCIDENTMAP_GAZETTEER=$EMPTY   # no user gazetteer: the embedded default only
if command -v hyperfine > /dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$EMPTY/h.json" "$BIN geocode $NAME"
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("geocode %s: median %.1f ms over %d runs" % (sys.argv[2], r["median"]*1000, len(r["times"])))' "$EMPTY/h.json" "$NAME"
  exit 0
fi
"$BIN" geocode "$NAME" > /dev/null   # warm the page cache
ms=()
for _ in $(seq 1 "$RUNS"); do
  t0=$(date +%s%N); "$BIN" geocode "$NAME" > /dev/null; t1=$(date +%s%N)
  ms+=("$(( (t1 - t0) / 1000 ))")
done
printf '%s\n' "${ms[@]}" | sort -n | awk -v name="$NAME" '{a[NR]=$1} END {
  printf "geocode %s: median %.1f ms, min %.1f ms, max %.1f ms over %d runs\n", name, a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000, NR }'
