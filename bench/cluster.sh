#!/usr/bin/env bash
# Whole-process benchmark of `incidentmap cluster` on the gen_peers.py files
# (10k and 100k: eps 5 km, min 5; 100k and 1M: eps 1 km, min 5): median of 3
# runs (wall time), peak RSS, cluster/noise counts; and scikit-learn DBSCAN
# (bench_cluster.py, haversine ball tree) on the same files where it is
# installed, with the ratio. Our runs write all three GeoJSON layers
# (clusters, areas, every incident with its cluster id); scikit-learn writes
# nothing. Run from the repository root: bash bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared/bench}
[ -f "$SHARED/gen_peers.py" ] || SHARED=/work/shared/bench
if [ ! -f "$SHARED/gen_peers.py" ]; then
    echo "SKIP: gen_peers.py not found (../shared/bench is absent); nothing measured."
    exit 0
fi
DATA=${DATA:-target/bench-data}
if [ ! -s "$DATA/incidents_1m.csv" ]; then
    echo "generating $DATA with python3 $SHARED/gen_peers.py --out $DATA --skip corpus"
    python3 "$SHARED/gen_peers.py" --out "$DATA" --skip corpus
fi
cargo build --release --quiet 2>/dev/null || cargo build --release
BIN=target/release/incidentmap
RUNS=${RUNS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

. bench/lib.sh

have_sklearn=0
python3 -c "import sklearn, pandas, numpy" 2>/dev/null && have_sklearn=1
[ "$have_sklearn" = 1 ] || echo "SKIP scikit-learn peer: python3 lacks scikit-learn/pandas (pip install numpy pandas scikit-learn)"
echo "machine: $(nproc) cores; $RUNS runs, median wall time"
for spec in "10k 5" "100k 5" "100k 1" "1m 1"; do
    read -r size eps <<<"$spec"
    f="$DATA/incidents_$size.csv"
    read -r t rss < <(median_time "$OUT" "$BIN" cluster "$f" --eps-km "$eps" --min-points 5 -o "$OUT/layers")
    counts=$(grep -o '[0-9]* clusters, [0-9]* noise' "$OUT/stderr")
    echo "incidentmap $size eps ${eps} km min 5: ${t} s, peak RSS $((rss / 1024)) MiB, $counts"
    if [ "$have_sklearn" = 1 ]; then
        if [ "$size" = 1m ] && [ -z "${SKLEARN_1M:-}" ]; then
            echo "  SKIP scikit-learn at 1M (80 s and 16 GiB per the README; SKLEARN_1M=1 to run it)"
            continue
        fi
        read -r pt prss < <(median_time "$OUT" python3 "$SHARED/bench_cluster.py" "$f" --eps-km "$eps" --min-samples 5)
        pc=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); print(d["n_clusters"], "clusters,", d["noise"], "noise")' "$OUT/stdout")
        echo "  scikit-learn: ${pt} s, peak RSS $((prss / 1024)) MiB, $pc"
        awk -v a="$pt" -v b="$t" 'BEGIN { printf "  ratio scikit-learn / incidentmap: %.1fx\n", a / b }'
    fi
done
