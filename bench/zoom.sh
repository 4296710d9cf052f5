#!/usr/bin/env bash
# Whole-process comparison of zoom-level clustering with supercluster 9
# (npm) on the same file, in the same run: each reads the gen_peers.py 1M
# CSV, builds the index for zooms 0-16 (radius 40 of 512) and asks for the
# world at zoom 5 and 10. Ours is `examples/zoom_clusters.rs`, which reads
# the file through the front door (every column, as `serve` does); the
# harness is ../shared/bench/bench_supercluster.mjs. Median of $RUNS wall
# times, peak RSS, each one's own phase times (last run), and the ratio.
# Run from the repository root: bash bench/zoom.sh [SIZE: 1m|100k|10k]
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${1:-1m}
SHARED=${SHARED:-../shared/bench}
[ -f "$SHARED/gen_peers.py" ] || SHARED=/work/shared/bench
if [ ! -f "$SHARED/gen_peers.py" ]; then
    echo "SKIP: gen_peers.py not found (../shared/bench is absent); nothing measured."
    exit 0
fi
DATA=${DATA:-target/bench-data}
if [ ! -s "$DATA/incidents_$SIZE.csv" ]; then
    echo "generating $DATA with python3 $SHARED/gen_peers.py --out $DATA --skip corpus"
    python3 "$SHARED/gen_peers.py" --out "$DATA" --skip corpus
fi
FILE="$DATA/incidents_$SIZE.csv"
cargo build --release --quiet --example zoom_clusters
OURS=target/release/examples/zoom_clusters
RUNS=${RUNS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
. bench/lib.sh

echo "machine: $(nproc) cores; $RUNS runs, median wall time; file $FILE"
read -r ours rss < <(median_time "$OUT" "$OURS" "$FILE")
echo "incidentmap zoom index: ${ours} s, peak RSS $((rss / 1024)) MiB: $(cat "$OUT/stdout")"

# The peer: the harness imports supercluster from ./node/node_modules beside it.
PEER=target/bench-node
if [ ! -d "$PEER/node/node_modules/supercluster" ]; then
    mkdir -p "$PEER/node"
    # A package.json of its own, or npm installs into a parent directory's.
    [ -f "$PEER/node/package.json" ] || echo '{"private": true}' > "$PEER/node/package.json"
    (cd "$PEER/node" && npm install --no-audit --no-fund --silent supercluster@9) || true
fi
if ! command -v node >/dev/null 2>&1 || [ ! -d "$PEER/node/node_modules/supercluster" ]; then
    echo "SKIP supercluster peer: node or npm supercluster unavailable"
    exit 0
fi
cp "$SHARED/bench_supercluster.mjs" "$PEER/"
read -r peer prss < <(median_time "$OUT" node "$PEER/bench_supercluster.mjs" "$FILE")
echo "supercluster $(node -p "require('./$PEER/node/node_modules/supercluster/package.json').version"): ${peer} s, peak RSS $((prss / 1024)) MiB: $(cat "$OUT/stdout")"
awk -v a="$ours" -v b="$peer" 'BEGIN { printf "ratio (supercluster / incidentmap, whole process): %.2fx\n", b / a }'
