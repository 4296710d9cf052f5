#!/usr/bin/env bash
# Geoparsing evaluation on the public LGL and GeoVirus corpora, scored by
# ../shared/eval/score.py (recognition P/R/F1, acc@161 km, AUC).
# Uses ../shared (beside the repo); says so and exits 0 when it is absent.
# Not part of the test suite. Usage: bench/eval_geoparse.sh [corpus...]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared}"
score="$shared/eval/score.py"
if [ ! -f "$score" ] || [ ! -d "$shared/data/eval" ]; then
    echo "eval_geoparse: $shared/eval/score.py or $shared/data/eval not found; nothing to evaluate (skipped)."
    exit 0
fi
cargo build --release --quiet
bin=target/release/incidentmap
work="${TMPDIR:-/tmp}/incidentmap-eval"
mkdir -p "$work"
corpora=("$@")
[ ${#corpora[@]} -eq 0 ] && corpora=(lgl geovirus)
for corpus in "${corpora[@]}"; do
    dir="$work/$corpus"
    rm -rf "$dir"
    python3 "$score" export "$corpus" "$dir" --offset-unit byte >/dev/null
    start=$(date +%s.%N)
    "$bin" geoparse "$dir"/*.txt --format jsonl -o "$dir/system.jsonl"
    end=$(date +%s.%N)
    bytes=$(cat "$dir"/*.txt | wc -c)
    echo "== $corpus: $(ls "$dir"/*.txt | wc -l) documents, $bytes bytes, geoparse $(echo "$end - $start" | bc) s (whole process)"
    python3 "$score" score "$dir/gold.jsonl" "$dir/system.jsonl"
    echo "D. Countries and the rest (bench/country_breakdown.py)"
    python3 bench/country_breakdown.py "$dir/gold.jsonl" "$dir/system.jsonl"
    if [ "$corpus" = geovirus ]; then
        echo "   (GeoVirus' gold points are Wikipedia's: a country is a rounded centre such as 40N 100W"
        echo "    for the United States, so country mentions can miss 161 km against any gazetteer point:"
        echo "    D shows the score without them and how often the right country was chosen.)"
    fi
done
# Bare lookups (issue 18): what a reader means by a bare name, and context
# after a comma still overriding it.
echo "== bare lookups (geocode, top candidate)"
for name in Samarra Palmyra Deraa Toronto Washington "Palmyra, Pennsylvania"; do
    top=$("$bin" geocode "$name" --limit 1 --format json 2>&1 | python3 -c '
import json, sys
try:
    c = json.load(sys.stdin)
    c = c[0] if isinstance(c, list) else c
    print("%s (%s, %s) %s" % (c.get("name"), c.get("admin1"), c.get("country"), c.get("feature_code")))
except Exception:
    print("no answer")')
    printf '   %-24s -> %s\n' "$name" "$top"
done
