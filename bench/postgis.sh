#!/usr/bin/env bash
# PostGIS beside the GeoPackage path, on the 1M incidents of gen_acled.py:
#   load:    export acled_1m.csv -o postgresql://...?table=bench_1m  (COPY + upsert, one transaction)
#            export acled_1m.csv -o bench_1m.gpkg                     (the file path)
#   rerun:   the same load again (every row upserted, none changed)
#   queries: 1,000 radius queries (25 km, seeded centres in the data's
#            region), three ways:
#            - the SQL `near` sends, run by pgbench on one connection
#              (server latency, every matching row sent);
#            - 100 whole `near LAT,LON --within 25km postgresql://...` runs
#              (process start, connection, query, exact filter, output);
#            - `near --points` with the 1,000 centres on the GeoPackage
#              (read once, one R-tree, 1,000 answers) and one `near` on
#              the GeoPackage (the file path for a single question).
# Needs INCIDENTMAP_BENCH_PG (or INCIDENTMAP_TEST_PG): a database with PostGIS.
# Run from the repository root: bash bench/postgis.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PG=${INCIDENTMAP_BENCH_PG:-${INCIDENTMAP_TEST_PG:-}}
if [ -z "$PG" ]; then
    echo "SKIP: set INCIDENTMAP_BENCH_PG=postgresql://user:pw@host:port/db (a database with PostGIS); nothing measured."
    exit 0
fi
SHARED=${SHARED:-../shared/bench}
if [ ! -f "$SHARED/gen_acled.py" ]; then
    echo "SKIP: $SHARED/gen_acled.py not found (../shared/bench is absent); nothing measured."
    exit 0
fi
DATA=${DATA:-/tmp/incidentmap-acled}
mkdir -p "$DATA"
if [ ! -s "$DATA/acled_1m.csv" ]; then
    echo "generating $DATA/acled_1m.csv"
    python3 "$SHARED/gen_acled.py" 1000000 "$DATA/acled_1m.csv"
fi
cargo build --release --quiet 2>/dev/null || cargo build --release
BIN=target/release/incidentmap
RUNS=${RUNS:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. bench/lib.sh

URL="$PG?table=bench_1m"
case "$PG" in *\?*) URL="$PG&table=bench_1m" ;; esac
# psql and pgbench take the same URL (without our table parameter).
psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$PG" "$@"; }
N=$(($(wc -l < "$DATA/acled_1m.csv") - 1))

echo "machine: $(nproc) cores (shared with other work), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
    "PostgreSQL $(psql_q -tAc 'SHOW server_version') + PostGIS $(psql_q -tAc 'SELECT postgis_lib_version()') on the same machine"

psql_q -c "DROP TABLE IF EXISTS bench_1m"
read -r load load_rss < <(RUNS=1 median_time "$TMP" "$BIN" export "$DATA/acled_1m.csv" -o "$URL")
read -r rerun _ < <(RUNS=1 median_time "$TMP" "$BIN" export "$DATA/acled_1m.csv" -o "$URL")
rows=$(psql_q -tAc "SELECT count(*) FROM bench_1m")
size=$(psql_q -tAc "SELECT pg_size_pretty(pg_total_relation_size('bench_1m'))")
rm -f "$TMP/bench_1m.gpkg"
read -r gpkg gpkg_rss < <(RUNS=1 median_time "$TMP" "$BIN" export "$DATA/acled_1m.csv" -o "$TMP/bench_1m.gpkg")
echo "load $N incidents:"
echo "  PostGIS (COPY + upsert + indexes + ANALYZE): ${load} s = $(echo "$N / $load" | bc) rows/s, peak RSS $((load_rss / 1024)) MiB; $rows rows, $size with indexes"
echo "  PostGIS rerun (same input, no row changed):  ${rerun} s = $(echo "$N / $rerun" | bc) rows/s"
echo "  GeoPackage file:                             ${gpkg} s = $(echo "$N / $gpkg" | bc) rows/s, peak RSS $((gpkg_rss / 1024)) MiB"

# 1,000 seeded centres in the region the data covers.
python3 - "$TMP" <<'EOF'
import random, sys
r = random.Random(20261205)
pts = [(r.uniform(29.0, 38.0), r.uniform(38.0, 49.0)) for _ in range(1000)]
with open(sys.argv[1] + "/centres.csv", "w") as f:
    f.write("id,latitude,longitude\n")
    for i, (lat, lon) in enumerate(pts):
        f.write(f"c{i},{lat:.5f},{lon:.5f}\n")
with open(sys.argv[1] + "/centres.txt", "w") as f:
    for lat, lon in pts:
        f.write(f"{lat:.5f},{lon:.5f}\n")
EOF

# What `near` sends for one radius (see src/postgis/read.rs), run by
# pgbench on the 1,000 centres (a file of queries, one per line).
cols=$(psql_q -tAc "SELECT string_agg(attname, ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'bench_1m'::regclass AND attnum > 0 AND NOT attisdropped")
while IFS=, read -r lat lon; do
    echo "SELECT $cols FROM bench_1m WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($lon, $lat), 4326)::geography, 25000.25, false) ORDER BY id, event_id;"
done < "$TMP/centres.txt" > "$TMP/queries.sql"
psql_q -c "EXPLAIN $(head -n 1 "$TMP/queries.sql")" | grep -E "Index|Seq Scan" | sed 's/^/  plan: /'
start=$(date +%s.%N)
psql_q -o /dev/null -f "$TMP/queries.sql"
end=$(date +%s.%N)
hits=$(psql_q -tAc "SELECT sum(n) FROM (SELECT (SELECT count(*) FROM bench_1m WHERE ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)::geography, 25000, false)) AS n FROM (VALUES $(awk -F, '{printf "%s(%s,%s)", (NR>1?",":""), $1, $2}' "$TMP/centres.txt")) AS c(lat, lon)) s")
echo "1,000 radius queries (25 km), $hits hits in all:"
echo "  PostGIS, the SQL near sends (psql, one connection): $(echo "($end - $start) * 1000 / 1000" | bc -l | xargs printf '%.2f') ms/query"
start=$(date +%s.%N)
head -n 100 "$TMP/centres.txt" | while read -r c; do
    "$BIN" near "$c" --within 25km "$URL" --format csv > /dev/null
done
end=$(date +%s.%N)
echo "  PostGIS, whole near runs (first 100 centres):      $(echo "($end - $start) * 1000 / 100" | bc -l | xargs printf '%.1f') ms/query"
read -r one _ < <(median_time "$TMP" "$BIN" near "$(head -n 1 "$TMP/centres.txt")" --within 25km "$TMP/bench_1m.gpkg" --format csv)
echo "  GeoPackage, one whole near run (reads 1M rows):    $(echo "$one * 1000" | bc -l | xargs printf '%.0f') ms/query"
read -r all all_rss < <(median_time "$TMP" "$BIN" near --points "$TMP/centres.csv" --within 25km "$TMP/bench_1m.gpkg" --format csv -o "$TMP/all.csv")
echo "  GeoPackage, near --points with all 1,000 centres:  ${all} s in all = $(echo "$all * 1000 / 1000" | bc -l | xargs printf '%.2f') ms/query, peak RSS $((all_rss / 1024)) MiB, $(($(wc -l < "$TMP/all.csv") - 1)) rows"
