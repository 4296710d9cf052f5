#!/usr/bin/env bash
# Import throughput and peak memory of `gazetteer import` on a generated file
# shaped like GeoNames' allCountries.txt (bench/gen_geonames.py), and what a
# full world import (13 M rows, 1.6 GB) would cost by linear extrapolation.
#
#   bench/gazetteer_import.sh [ROWS=1000000] [RUNS=3] [extra import flags...]
#
# Uses the release binary (cargo build --release) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
RUNS=${2:-3}
shift $(( $# > 2 ? 2 : $# )) || true
BIN=${BIN:-target/release/incidentmap}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DATA="$WORK/allCountries.txt"
python3 bench/gen_geonames.py "$ROWS" > "$DATA"
BYTES=$(stat -c %s "$DATA")
echo "generated $ROWS rows, $BYTES bytes ($(( BYTES / ROWS )) bytes/row)"
secs=(); rss=(); cpus=()
for i in $(seq 1 "$RUNS"); do
  rm -rf "$WORK/gaz"
  /usr/bin/time -v -o "$WORK/time.txt" "$BIN" gazetteer import "$DATA" --gazetteer "$WORK/gaz" "$@" 2> "$WORK/log.txt"
  s=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); t=0; for(j=1;j<=n;j++) t=t*60+a[j]; print t}' "$WORK/time.txt")
  r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  c=$(awk -F': ' '/User time|System time/ {t+=$2} END {print t}' "$WORK/time.txt")
  secs+=("$s"); rss+=("$r"); cpus+=("$c")
  echo "run $i: ${s} s wall, ${c} s CPU, peak RSS $(( r / 1024 )) MB"
done
tail -2 "$WORK/log.txt"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
S=$(median "${secs[@]}"); R=$(median "${rss[@]}"); C=$(median "${cpus[@]}")
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (CPU time is the figure that load does not skew)"
IDX=$(stat -c %s "$WORK/gaz/gazetteer.idx")
awk -v rows="$ROWS" -v s="$S" -v c="$C" -v r="$R" -v idx="$IDX" 'BEGIN {
  rate = rows / s; crate = rows / c;
  printf "median: %.2f s wall (%.0f rows/s), %.2f s CPU (%.0f rows/CPU-s), peak RSS %.0f MB (%.0f bytes/row), index %.1f MB\n", s, rate, c, crate, r/1024, r*1024/rows, idx/1e6;
  full = 13000000;
  printf "extrapolated to allCountries (13 M rows, 1.6 GB): %.0f s wall (%.0f s CPU), peak RSS %.1f GB, index %.2f GB\n", full/rate, full/crate, r*1024/rows*full/1e9, idx/rows*full/1e9;
}'
