#!/usr/bin/env bash
# Whole-process benchmark of `near --points`: 10,000 query sites on the 1M
# incidents of gen_peers.py, against what the same process spends reading
# the file and building the index (one site), so that the cost of the
# queries and their output can be compared with the library's own query
# time (criterion: `cargo bench --bench spatial -- index_1m`).
#   near --points queries_10k.csv --nearest 10 incidents_1m.csv -o out.csv
#   near --points one_site.csv    --nearest 10 incidents_1m.csv -o out.csv
# and the same with --within 5km. Median of $RUNS runs (wall time), peak RSS.
# Run from the repository root: bash bench/near_points.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared/bench}
if [ ! -f "$SHARED/gen_peers.py" ]; then
    echo "SKIP: $SHARED/gen_peers.py not found (../shared/bench is absent); nothing measured."
    exit 0
fi
DATA=${DATA:-/tmp/incidentmap-peers}
if [ ! -s "$DATA/incidents_1m.csv" ] || [ ! -s "$DATA/queries_10k.csv" ]; then
    echo "generating $DATA: python3 $SHARED/gen_peers.py --out $DATA"
    python3 "$SHARED/gen_peers.py" --out "$DATA" >/dev/null
fi
cargo build --release --quiet 2>/dev/null || cargo build --release
BIN=target/release/incidentmap
RUNS=${RUNS:-3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. bench/lib.sh

head -n 2 "$DATA/queries_10k.csv" > "$TMP/one_site.csv"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $RUNS runs, median wall time"
for limit in "--nearest 10" "--within 5km"; do
    # shellcheck disable=SC2086
    read -r one one_rss < <(median_time "$TMP" "$BIN" near --points "$TMP/one_site.csv" $limit "$DATA/incidents_1m.csv" --format csv -o "$TMP/one.csv")
    # shellcheck disable=SC2086
    read -r all all_rss < <(median_time "$TMP" "$BIN" near --points "$DATA/queries_10k.csv" $limit "$DATA/incidents_1m.csv" --format csv -o "$TMP/all.csv")
    rows=$(($(wc -l < "$TMP/all.csv") - 1))
    echo "near --points $limit, 1M incidents:"
    echo "  1 site (reading + index):  ${one} s, peak RSS $((one_rss / 1024)) MiB"
    echo "  10,000 sites:              ${all} s, peak RSS $((all_rss / 1024)) MiB, ${rows} rows written"
    echo "  queries + output:          $(echo "$all - $one" | bc) s"
done
