#!/usr/bin/env python3
"""Splits a geoparsing score into country mentions and the rest.

GeoVirus' gold points are Wikipedia's, where a country is a rounded centre
(the United States at 40 N 100 W, Canada at 60 N 95 W); no gazetteer point
for a large country is within 161 km of all of them. So besides acc@161 over
everything (what score.py prints), this reports:

  * acc@161 over the mentions the system did NOT resolve to a country;
  * for mentions it resolved to a country: acc@161, and the share whose gold
    point lies inside that country (the shipped admin-1 polygons of
    gazetteer/admin1.geojson), i.e. whether the right country was chosen.

Matching is score.py's section B, simplified: a gold toponym with coordinates
and the first system toponym overlapping it, when that one has coordinates.

Usage: bench/country_breakdown.py GOLD.jsonl SYSTEM.jsonl
Standard library only.
"""
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN1 = os.path.join(HERE, "..", "gazetteer", "admin1.geojson")
# The point-in-ring test the gazetteer build places country middles with.
sys.dont_write_bytecode = True  # no __pycache__ left in gazetteer/
sys.path.insert(0, os.path.join(HERE, "..", "gazetteer"))
from build import ring_contains  # noqa: E402


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def load_countries(path):
    """country code -> list of (bbox, polygon rings)."""
    with open(path, encoding="utf-8") as fh:
        fc = json.load(fh)
    out = {}
    for f in fc["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            xs = [p[0] for p in poly[0]]
            ys = [p[1] for p in poly[0]]
            out.setdefault(f["properties"]["country"], []).append(((min(xs), min(ys), max(xs), max(ys)), poly))
    return out


def in_country(countries, cc, lat, lon):
    for (x0, y0, x1, y1), poly in countries.get(cc, []):
        if x0 <= lon <= x1 and y0 <= lat <= y1 and ring_contains(poly[0], lon, lat):
            if not any(ring_contains(hole, lon, lat) for hole in poly[1:]):
                return True
    return False


def toponyms_by_doc(path):
    """doc_id -> toponyms of a gold or system JSONL file."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            out[d["doc_id"]] = d["toponyms"]
    return out


def matched(gold_path, system_path):
    """(gold, system) toponym pairs, matched as described above."""
    gold, system = toponyms_by_doc(gold_path), toponyms_by_doc(system_path)
    for doc, gts in gold.items():
        for g in gts:
            if g.get("lat") is None:
                continue
            match = [s for s in system.get(doc, []) if s["start"] < g["end"] and g["start"] < s["end"]]
            if match and match[0].get("lat") is not None:
                yield g, match[0]


def is_country(s):
    return (s.get("feature_code") or "").startswith("PCL")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    countries = load_countries(ADMIN1)
    rest = [0, 0]
    ctry = [0, 0, 0]  # n, within 161 km, inside the chosen country
    for g, s in matched(sys.argv[1], sys.argv[2]):
        hit = haversine_km(g["lat"], g["lon"], s["lat"], s["lon"]) <= 161
        if is_country(s):
            ctry[0] += 1
            ctry[1] += hit
            ctry[2] += in_country(countries, s.get("country"), g["lat"], g["lon"])
        else:
            rest[0] += 1
            rest[1] += hit
    n = rest[0] + ctry[0]
    print(f"   all resolved:       n={n}  acc@161km={(rest[1] + ctry[1]) / max(n, 1):.3f}")
    print(f"   not countries:      n={rest[0]}  acc@161km={rest[1] / max(rest[0], 1):.3f}")
    print(
        f"   countries:          n={ctry[0]}  acc@161km={ctry[1] / max(ctry[0], 1):.3f}  "
        f"gold point inside the chosen country={ctry[2] / max(ctry[0], 1):.3f}"
    )


if __name__ == "__main__":
    main()
