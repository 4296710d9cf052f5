#!/usr/bin/env python3
"""How far a country's largest-part centroid may be from the Factbook's centre before the
gazetteer build uses the Factbook's centre instead (build.py --factbook-km).

A country mention is scored against a point someone chose for the country: GeoNames' (LGL's
gold) or Wikipedia's (GeoVirus' gold), both mostly the CIA World Factbook's rounded centre.
The build computes the centroid of the country's largest part; for an archipelago or a
country with large outlying parts that point does not stand for the whole country, and the
Factbook's centre does. This sweeps the switch-over distance and prints, for each corpus,
how many of the system's country mentions land within 161 km of the gold point.

It rebuilds the gazetteer twice (never / always the Factbook's centre) into a temporary
directory from gazetteer/.cache (`python3 gazetteer/build.py` fills it), and rescores the
country mentions of the system output that bench/eval_geoparse.sh left in
${TMPDIR:-/tmp}/incidentmap-eval/{lgl,geovirus}. Mentions resolved to something other than a
country keep their score: country points are not evidence in the resolver (checked by
running the full evaluation after a change, which bench/eval_geoparse.sh does).

Usage: bench/country_points.py [EVAL_DIR]      (Python 3 standard library; needs ogr2ogr)
Says so and exits 0 when the cache or the evaluation output is absent.
"""
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ left in bench/ or gazetteer/
sys.path.insert(0, HERE)
from country_breakdown import haversine_km, is_country, matched  # noqa: E402
ROOT = os.path.dirname(HERE)
CORPORA = ("lgl", "geovirus")
THRESHOLDS_KM = (0, 100, 200, 250, 300, 350, 400, 500, 700, 1000, math.inf)


def country_points(places):
    """geonameid -> (lat, lon) of the PCLI rows of a places.txt."""
    out = {}
    with open(places, encoding="utf-8") as fh:
        for line in fh:
            f = line.split("\t")
            if f[7] == "PCLI":
                out[int(f[0])] = (float(f[4]), float(f[5]))
    return out


def build(out, km):
    cmd = [sys.executable, os.path.join(ROOT, "gazetteer", "build.py"), "--offline", "--out", out,
           "--factbook-km", str(km)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return country_points(os.path.join(out, "places.txt"))


def country_mentions(corpus_dir):
    """(gold (lat, lon), system geonameid) of each gold toponym matched to a country
    (country_breakdown.py's matching, score.py's section B)."""
    pairs = matched(os.path.join(corpus_dir, "gold.jsonl"), os.path.join(corpus_dir, "system.jsonl"))
    return [((g["lat"], g["lon"]), int(s["geonameid"])) for g, s in pairs if is_country(s)]


def main():
    eval_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                                                   "incidentmap-eval")
    missing = [c for c in CORPORA if not os.path.exists(os.path.join(eval_dir, c, "system.jsonl"))]
    if missing:
        print(f"country_points: no system output for {missing} in {eval_dir}; run bench/eval_geoparse.sh "
              "first (skipped).")
        return 0
    if not os.path.isdir(os.path.join(ROOT, "gazetteer", ".cache")):
        print("country_points: gazetteer/.cache absent; run python3 gazetteer/build.py once (skipped).")
        return 0
    mentions = {c: country_mentions(os.path.join(eval_dir, c)) for c in CORPORA}
    with tempfile.TemporaryDirectory() as tmp:
        centroid = build(os.path.join(tmp, "centroid"), math.inf)
        factbook = build(os.path.join(tmp, "factbook"), 0)
    apart = {gid: haversine_km(*centroid[gid], *factbook[gid]) for gid in centroid}
    print("country mentions within 161 km of the gold point, by switch-over distance")
    print(f"{'km':>6} " + " ".join(f"{c + ' (of ' + str(len(mentions[c])) + ')':>16}" for c in CORPORA)
          + "  countries at the Factbook's centre")
    for km in THRESHOLDS_KM:
        cells = []
        for c in CORPORA:
            ok = 0
            for g, gid in mentions[c]:
                p = factbook[gid] if apart[gid] > km else centroid[gid]
                ok += haversine_km(*g, *p) <= 161
            cells.append(f"{ok:>16}")
        moved = sum(1 for gid in apart if apart[gid] > km and factbook[gid] != centroid[gid])
        print(f"{km:>6} " + " ".join(cells) + f"  {moved}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
