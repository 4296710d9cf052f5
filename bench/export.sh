#!/usr/bin/env bash
# Whole-process benchmark of `incidentmap export` against GDAL's ogr2ogr on the
# 1M-row CSV of /work/shared/bench/gen_peers.py: CSV -> GeoJSON (RFC 7946) and
# CSV -> GeoPackage with spatial index. Prints the median of RUNS runs (wall
# seconds, peak RSS) and the ratio to ogr2ogr.
#
# usage: bench/export.sh            (env: RUNS=3, DATA=/tmp/incidentmap-bench, SHARED=/work/shared/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-/work/shared/bench}
if [ ! -f "$SHARED/gen_peers.py" ]; then
  echo "bench/export.sh: $SHARED is absent (no peer data generator); nothing to measure"
  exit 0
fi
RUNS=${RUNS:-3}
DATA=${DATA:-${TMPDIR:-/tmp}/incidentmap-bench}
CSV=$DATA/incidents_1m.csv
mkdir -p "$DATA"
[ -f "$CSV" ] || python3 "$SHARED/gen_peers.py" --out "$DATA" --sizes 1000000 --skip queries,corpus >/dev/null
cargo build --release --quiet
BIN=$PWD/target/release/incidentmap

median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
# Runs a command, prints "seconds peak_kib".
measure() {
  local t0 t1 rss=0 tf
  tf=$(mktemp)
  t0=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then /usr/bin/time -f %M -o "$tf" "$@" >/dev/null; rss=$(tail -1 "$tf"); else "$@" >/dev/null; fi
  t1=$(date +%s.%N)
  rm -f "$tf"
  awk -v a="$t0" -v b="$t1" -v r="$rss" 'BEGIN{printf "%.3f %d\n", b-a, r}'
}

cat "$CSV" >/dev/null # warm the page cache
have_ogr=0; command -v ogr2ogr >/dev/null && have_ogr=1
[ $have_ogr = 1 ] || echo "ogr2ogr not installed (apt-get install gdal-bin): no peer figures"
for fmt in geojson gpkg; do
  out=$DATA/ours.$fmt
  runs=$(for _ in $(seq "$RUNS"); do rm -f "$out"; measure "$BIN" export "$CSV" -o "$out"; done)
  ours=$(echo "$runs" | awk '{print $1}' | median)
  rss=$(echo "$runs" | awk '{print $2}' | median)
  line="{\"fmt\": \"$fmt\", \"rows\": 1000000, \"incidentmap_s\": $ours, \"incidentmap_peak_mib\": $((rss / 1024)), \"out_bytes\": $(stat -c %s "$out")"
  if [ $have_ogr = 1 ]; then
    peer=$(for _ in $(seq "$RUNS"); do
      bash "$SHARED/bench_ogr.sh" "$fmt" "$CSV" "$DATA/ogr.$fmt" | sed -E 's/.*"ogr2ogr_s": ([0-9.]+).*/\1/'
    done | median)
    ratio=$(awk -v a="$peer" -v b="$ours" 'BEGIN{printf "%.1f", a/b}')
    line="$line, \"ogr2ogr_s\": $peer, \"speedup\": $ratio"
  fi
  echo "$line}"
done
