#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the project's own examples and test
# fixtures (never from ../shared), then, with --run SECONDS, fuzzes every
# target for that long in turn and prints libFuzzer's last status line per
# target. Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`).
#
#   fuzz/seed.sh                 # seed only
#   fuzz/seed.sh --run 600       # seed, then ten minutes per target
#   TARGETS="csv gpkg" JOBS=2 fuzz/seed.sh --run 60
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
fx="$root/tests/fixtures"
c="$here/corpus"
all="report_text html feed geojson geojsonseq csv geonames gpkg query_params"
targets=${TARGETS:-$all}
for t in $all; do mkdir -p "$c/$t"; done

cp "$root"/examples/reports/*.txt "$c/report_text/"
cp "$fx"/web/*.html "$c/html/"
cp "$fx"/web/*.xml "$c/feed/"
cp "$fx"/export/*.geojson "$fx"/geonames/admin1.geojson "$c/geojson/"
cp "$fx"/export/*.csv "$c/csv/"
cp "$fx"/geonames/*.txt "$c/geonames/"
gzip -c "$fx/geonames/IQ.txt" > "$c/geonames/IQ.txt.gz"
python3 - "$fx" "$c" <<'PY'
import json, sys, zipfile
fx, c = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(f"{c}/geonames/SY.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(f"{fx}/geonames/SY.txt", "SY.txt")
fc = json.load(open(f"{fx}/export/incidents_iraq_syria.geojson"))
with open(f"{c}/geojsonseq/seq.geojsonl", "w") as out:   # RFC 8142 records
    for f in fc["features"]:
        out.write("\x1e" + json.dumps(f) + "\n")
with open(f"{c}/geojsonseq/lines.jsonl", "w") as out:    # flat JSON lines
    for f in fc["features"]:
        p = dict(f["properties"]); p["longitude"], p["latitude"] = f["geometry"]["coordinates"][:2]
        out.write(json.dumps(p) + "\n")
for i, s in enumerate(["33.3,44.4", "33.3 44.4", "44,33,45,34", "179,-10,-179,10", "25km", "2.5 mi",
                       "2020-05-15", "15 May 2020", "May 2020", "https://127.0.0.1/x", "Diyala"]):
    open(f"{c}/query_params/s{i}", "w").write(s)
PY
# A GeoPackage written by the tool itself.
(cd "$root" && cargo run -q -- export "$fx/export/incidents_iraq_syria.geojson" -o "$c/gpkg/seed.gpkg")

if [[ "${1:-}" == "--run" ]]; then
    secs=${2:?seconds per target}
    cd "$here"
    # Built once; the binaries are then run directly, so editing the
    # project meanwhile does not rebuild them in the middle of a run.
    cargo +nightly fuzz build -O
    bin="$here/target/x86_64-unknown-linux-gnu/release"
    run_one() {
        local t=$1 log="$here/artifacts/$1.log"
        mkdir -p "$here/artifacts/$t"
        "$bin/$t" "corpus/$t" -artifact_prefix="$here/artifacts/$t/" -max_total_time="$secs" \
            -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 > "$log" 2>&1 || echo "$t: CRASH, see $log"
        echo "$t: $(grep -E '^#[0-9]+' "$log" | tail -1)"
        grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" | tr '\n' ' '; echo
    }
    export -f run_one; export here bin secs
    # JOBS targets at a time (default 1).
    printf '%s\n' $targets | xargs -P "${JOBS:-1}" -I{} bash -c 'run_one {}'
fi
