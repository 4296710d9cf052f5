#!/usr/bin/env bash
# Event coding on the labelled wire-news sentences in
# ../shared/data/eval/events/dev.jsonl (bench/eval_events.py says what is
# measured). Uses ../shared beside the repo; says so and exits 0 when it is
# absent. Not part of the test suite.
#   bench/eval_events.sh                       # the figures, both halves
#   bench/eval_events.sh --failures 20 --kind protest   # and misses of the tune half
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${SHARED:-../shared}"
data="$shared/data/eval/events/dev.jsonl"
if [ ! -f "$data" ]; then
    echo "eval_events: $data not found (../shared is absent); nothing to evaluate (skipped)."
    exit 0
fi
cargo build --release --quiet
work="${TMPDIR:-/tmp}/incidentmap-eval-events"
mkdir -p "$work"
python3 bench/eval_events.py target/release/incidentmap "$data" "$work" "$@"
