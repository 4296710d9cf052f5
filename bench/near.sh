#!/usr/bin/env bash
# Whole-process benchmark of `incidentmap near` on a 1M-row ACLED-style CSV:
#   incidentmap near 34.3482,45.39065 --within 30km /tmp/acled_1m.csv --format csv > /dev/null
# median of 3 runs (wall time) and peak RSS (/usr/bin/time -v), and the same
# query with shapely's STRtree (load CSV, build the tree, query, filter by
# haversine, write CSV) where python3 has shapely, numpy and pandas.
# Run from the repository root: bash bench/near.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared/bench}
[ -f "$SHARED/gen_acled.py" ] || SHARED=/work/shared/bench
if [ ! -f "$SHARED/gen_acled.py" ]; then
    echo "SKIP: gen_acled.py not found (../shared/bench is absent); nothing measured."
    exit 0
fi
CSV=${CSV:-/tmp/acled_1m.csv}
if [ ! -s "$CSV" ]; then
    echo "generating $CSV: python3 $SHARED/gen_acled.py 1000000 $CSV --seed 1"
    python3 "$SHARED/gen_acled.py" 1000000 "$CSV" --seed 1
fi
cargo build --release --quiet 2>/dev/null || cargo build --release
BIN=target/release/incidentmap
RUNS=${RUNS:-3}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

. bench/lib.sh

echo "machine: $(nproc) cores; $RUNS runs, median wall time"
hits=$("$BIN" near 34.3482,45.39065 --within 30km "$CSV" --format csv | tail -n +2 | wc -l)
read -r ours ours_rss < <(median_time "$TMP" "$BIN" near 34.3482,45.39065 --within 30km "$CSV" --format csv)
echo "incidentmap near (30 km, 1M rows, CSV out): ${ours} s, peak RSS $((ours_rss / 1024)) MiB, ${hits} hits"

if python3 -c "import shapely, numpy, pandas" 2>/dev/null; then
    PEER="$TMP/peer_strtree.py"
    cat > "$PEER" <<'PY'
import math, sys
import numpy as np, pandas as pd, shapely
from shapely import STRtree
R = 6371.0088
lat0, lon0, r = 34.3482, 45.39065, 30.0
df = pd.read_csv(sys.argv[1])
tree = STRtree(shapely.points(df["longitude"].to_numpy(), df["latitude"].to_numpy()))
a = r / R
dlat, dlon = math.degrees(a), math.degrees(math.asin(math.sin(a) / math.cos(math.radians(lat0))))
idx = tree.query(shapely.box(lon0 - dlon, lat0 - dlat, lon0 + dlon, lat0 + dlat))
la, lo = np.radians(df["latitude"].to_numpy()[idx]), np.radians(df["longitude"].to_numpy()[idx])
h = np.sin((la - math.radians(lat0)) / 2) ** 2 + math.cos(math.radians(lat0)) * np.cos(la) * np.sin((lo - math.radians(lon0)) / 2) ** 2
d = 2 * R * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
keep = d <= r
out = df.iloc[idx[keep]].copy()
out["distance_km"] = d[keep]
out.sort_values("distance_km").to_csv(sys.stdout, index=False)
PY
    read -r peer peer_rss < <(median_time "$TMP" python3 "$PEER" "$CSV")
    echo "shapely STRtree (same query, pandas CSV in/out): ${peer} s, peak RSS $((peer_rss / 1024)) MiB"
    awk -v a="$peer" -v b="$ours" 'BEGIN { printf "ratio shapely / incidentmap: %.1fx\n", a / b }'
else
    echo "SKIP shapely peer: python3 lacks shapely/numpy/pandas (pip install numpy pandas shapely)"
fi
