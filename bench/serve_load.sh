#!/usr/bin/env bash
# Bounded local load test of `incidentmap serve` (20,000 item requests at
# 32 concurrent connections by default, bench/serve_load.py): serves INPUT
# (default: the gen_peers.py 100k CSV when there, else examples/reports)
# on 127.0.0.1:0, runs the load, stops the server. Prints the load's JSON
# line (errors, requests/s, p50/p90/p99 latency).
# Run from the repository root: bash bench/serve_load.sh [INPUT]
set -euo pipefail
cd "$(dirname "$0")/.."
INPUT=${1:-target/bench-data/incidents_100k.csv}
[ -e "$INPUT" ] || INPUT=examples/reports
BIN=${BIN:-target/release/incidentmap}
[ "$BIN" != target/release/incidentmap ] || cargo build --release --quiet
OUT=$(mktemp -d)
"$BIN" serve "$INPUT" --bind 127.0.0.1:0 > "$OUT/url" 2> "$OUT/stderr" &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 600); do [ -s "$OUT/url" ] && break; kill -0 $PID || { cat "$OUT/stderr"; exit 2; }; sleep 0.5; done
URL=$(head -1 "$OUT/url")
echo "serving $INPUT at $URL ($(grep -o 'serving [0-9]* incidents' "$OUT/stderr"))"
python3 bench/serve_load.py "$URL" --requests "${REQUESTS:-20000}" --concurrency "${CONCURRENCY:-32}"
