#!/usr/bin/env bash
# Whole-process geoparsing throughput, one core: spotting + resolution with
# the shipped default gazetteer on the 50 MB news-like corpus of
# ../shared/bench/gen_peers.py (one document per line), JSONL out:
#   RAYON_NUM_THREADS=1 incidentmap geoparse --doc-per-line corpus_50mb.txt > /dev/null
# (standard output, not -o: binaries before d8f1c22 renamed a temporary file
# over an -o /dev/null, replacing the device)
# Prints the median of $RUNS runs (default 5) of user CPU time, wall time and
# peak RSS, and MB/s per core (corpus bytes / user CPU seconds; 1 MB = 10^6
# bytes). Pass other binaries to time them in the same run, alternating with
# this checkout's: bash bench/geoparse.sh [OTHER_BINARY...]
# The peers' figures (pyahocorasick 106 MB/s, flashgeotext 13 MB/s, plain
# name matching only) are in ../shared/bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${SHARED:-../shared/bench}
[ -f "$SHARED/gen_peers.py" ] || SHARED=/work/shared/bench
PEERS=${PEERS:-/tmp/peers}
CORPUS=$PEERS/corpus_50mb.txt
if [ ! -s "$CORPUS" ]; then
    if [ ! -f "$SHARED/gen_peers.py" ]; then
        echo "SKIP: $CORPUS absent and gen_peers.py not found (../shared/bench is absent); nothing measured."
        exit 0
    fi
    echo "generating $PEERS: python3 $SHARED/gen_peers.py --out $PEERS"
    python3 "$SHARED/gen_peers.py" --out "$PEERS" >/dev/null
fi
cargo build --release --quiet 2>/dev/null || cargo build --release
BINS=(target/release/incidentmap "$@")
RUNS=${RUNS:-5}
bytes=$(wc -c < "$CORPUS")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/'); corpus $CORPUS, $bytes bytes"
for _ in $(seq "$RUNS"); do
    for k in "${!BINS[@]}"; do
        RAYON_NUM_THREADS=1 /usr/bin/time -f "%U %e %M" -a -o "$TMP/times.$k" \
            "${BINS[$k]}" geoparse --doc-per-line "$CORPUS" > /dev/null
    done
done
median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for k in "${!BINS[@]}"; do
    f=$TMP/times.$k
    user=$(cut -d' ' -f1 "$f" | median)
    wall=$(cut -d' ' -f2 "$f" | median)
    rss=$(cut -d' ' -f3 "$f" | sort -g | tail -1)
    awk -v bin="${BINS[$k]}" -v u="$user" -v w="$wall" -v rss="$rss" -v n="$RUNS" -v bytes="$bytes" 'BEGIN {
        printf "%s: user %.2f s, wall %.2f s (medians of %d), peak RSS %d MiB, %.1f MB/s per core\n",
            bin, u, w, n, rss / 1024, bytes / 1e6 / u
    }'
done
