#!/usr/bin/env python3
"""Event coding on labelled wire-news sentences (../shared/data/eval/events).

Each sentence becomes one report; `incidentmap extract` and `incidentmap
geoparse` run once over all of them. Printed, per half of the set and per
kind of event:

  coded      share of the sentences that name the event's place that get
             at least one incident;
  placed     share of those whose first incident lies within 50 km of the
             labelled place (the labelled span as the geoparser resolves it
             in the same sentence; labels it cannot resolve are counted
             apart, not scored);
  no-place   share of the sentences that give no place for their event that
             still get an incident, and (finer than country) that get one
             pinned finer than a whole country (country-level incidents,
             geo_precision 3, are what the tool makes of a sentence that only
             names the country it happened in).

The set is split in two halves by a hash of the sentence id: `tune` is the
half to look at while changing rules (--failures prints a sample of its
misses), `check` is the half only ever reported. Neither is the half kept
for evaluation elsewhere: figures on both should match that one's.

The kind of event is read from the labelled verb, for reporting only (the
tool never sees the label): protest (march, demonstrate, protest, rally),
arrest (arrest, detain, a passive "was captured"), territory (capture,
seize, take, enter, storm, encircle, recapture), patrol (patrol, deploy),
violence (the rest).

Usage: eval_events.py BIN DATA WORKDIR [--failures N] [--kind K] [--half tune|check]
"""
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
from collections import defaultdict

HEADER = "Published: {}\n\n"
KINDS = ["violence", "territory", "protest", "arrest", "patrol"]


def half_of(sid):
    return "tune" if hashlib.sha1(sid.encode()).digest()[0] % 2 == 0 else "check"


def kind_of(d):
    v = d["event_verb"].lower()
    if re.match(r"(march|demonstrat|protest|rall|gather|sit-in|picket|riot)", v):
        return "protest"
    if re.match(r"(arrest|detain)", v):
        return "arrest"
    if re.match(r"(captur|caught)", v):
        # "X was captured in Belgrade": a person taken, not ground.
        before = d["text"][: d["text"].lower().find(v)].lower().split()[-2:]
        if any(w in ("was", "were", "been", "being", "be") for w in before):
            return "arrest"
        return "territory"
    if re.match(r"(seiz|took|take|enter|storm|encircl|invad|recaptur|liberat|overr|regain|retook)", v):
        return "territory"
    if re.match(r"(patrol|deploy)", v):
        return "patrol"
    return "violence"


def haversine_km(a, b):
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def main():
    args = sys.argv[1:]
    opts = {"--failures": "0", "--kind": "", "--half": "tune"}
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts:
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    binary, data, work = pos
    docs = [json.loads(l) for l in open(data, encoding="utf-8") if l.strip()]
    rdir = os.path.join(work, "reports")
    os.makedirs(rdir, exist_ok=True)
    for f in os.listdir(rdir):
        os.remove(os.path.join(rdir, f))
    for d in docs:
        with open(os.path.join(rdir, d["id"] + ".txt"), "w", encoding="utf-8") as f:
            f.write(HEADER.format(d["published"]) + d["text"].replace("\n", " ") + "\n")
    ext = subprocess.run(
        [binary, "extract", rdir, "--format", "jsonl", "-o", os.path.join(work, "incidents.jsonl")],
        capture_output=True, text=True)
    failed_reports = [l for l in ext.stderr.splitlines() if l.startswith("incidentmap: ") and ".txt" in l]
    geo = subprocess.run(
        [binary, "geoparse", rdir, "--format", "jsonl", "-o", os.path.join(work, "toponyms.jsonl")],
        capture_output=True, text=True)
    if ext.returncode not in (0, 1) or geo.returncode != 0:
        # 1 is "some reports failed": still scored, and counted below.
        print(f"extract exit {ext.returncode}, geoparse exit {geo.returncode}\n{ext.stderr[-2000:]}{geo.stderr[-2000:]}")
        if ext.returncode not in (0, 1) or not os.path.exists(os.path.join(work, "incidents.jsonl")):
            sys.exit(1)

    by_doc = defaultdict(list)
    for line in open(os.path.join(work, "incidents.jsonl"), encoding="utf-8"):
        inc = json.loads(line)
        for src in inc["source"].split("; "):
            sid = os.path.basename(src)[: -len(".txt")] if src.endswith(".txt") else os.path.basename(src)
            by_doc[sid].append(inc)
    toponyms = {}
    for line in open(os.path.join(work, "toponyms.jsonl"), encoding="utf-8"):
        o = json.loads(line)
        sid = os.path.basename(o["doc_id"])
        sid = sid[: -len(".txt")] if sid.endswith(".txt") else sid
        toponyms[sid] = o["toponyms"]

    stats = {h: defaultdict(lambda: defaultdict(int)) for h in ("tune", "check")}
    misses = defaultdict(list)
    types = defaultdict(lambda: defaultdict(int))
    for d in docs:
        h = half_of(d["id"])
        k = kind_of(d)
        incs = sorted(by_doc.get(d["id"], []), key=lambda x: x["id"])
        for key in (k, "all"):
            s = stats[h][key]
            if not d["event_places"]:
                s["noplace"] += 1
                s["noplace_coded"] += bool(incs)
                s["noplace_pinned"] += any(i["location_type"] != "country" for i in incs)
                if incs and key == "all":
                    misses[h].append((k, f"no place, coded at {incs[0]['location']} ({incs[0]['location_type']})", d, incs[0]))
                continue
            s["place"] += 1
            if not incs:
                if key == "all":
                    misses[h].append((k, "uncoded", d, None))
                continue
            s["coded"] += 1
            if key == "all":
                types[h][incs[0]["event_type"]] += 1
            # The labelled place as the geoparser resolves it in this sentence.
            off = len(HEADER.format(d["published"]).encode())
            label = None
            for p in d["event_places"]:
                a = off + len(d["text"][: p["start"]].encode())
                b = off + len(d["text"][: p["end"]].encode())
                for t in toponyms.get(d["id"], []):
                    if t.get("lon") is not None and t["start"] < b and a < t["end"]:
                        label = (t["lon"], t["lat"])
                        break
                if label:
                    break
            if label is None:
                s["label_unresolved"] += 1
                continue
            s["scored"] += 1
            dist = haversine_km((incs[0]["longitude"], incs[0]["latitude"]), label)
            if dist <= 50:
                s["placed"] += 1
            elif key == "all":
                misses[h].append((k, f"misplaced {dist:.0f} km at {incs[0]['location']}", d, incs[0]))

    def pct(a, b):
        return f"{100 * a / b:5.1f}%" if b else "   - "

    if failed_reports:
        print(f"reports that failed: {len(failed_reports)} (first: {failed_reports[0]})")
    else:
        print("reports that failed: 0")
    for h in ("tune", "check"):
        print(f"== half {h}")
        print(f"   {'kind':10} {'with place':>10} {'coded':>7} {'placed<=50km':>13} {'(label unresolved)':>19} {'no place':>9} {'coded':>7} {'finer than country':>19}")
        for k in KINDS + ["all"]:
            s = stats[h][k]
            print(f"   {k:10} {s['place']:10d} {pct(s['coded'], s['place']):>7} {pct(s['placed'], s['scored']):>13} "
                  f"{s['label_unresolved']:19d} {s['noplace']:9d} {pct(s['noplace_coded'], s['noplace']):>7} "
                  f"{pct(s['noplace_pinned'], s['noplace']):>19}")
        print("   first incident's type: " + ", ".join(f"{t} {n}" for t, n in sorted(types[h].items(), key=lambda x: -x[1])))
    n = int(opts["--failures"])
    if n:
        h = opts["--half"]
        pool = [m for m in misses[h] if not opts["--kind"] or m[0] == opts["--kind"]]
        random.Random(7).shuffle(pool)
        print(f"== {n} of {len(pool)} misses in half {h}")
        for k, why, d, inc in pool[:n]:
            print(f"-- [{k}] {why}: {d['text'].strip()[:400]}\n   label: {[p['text'] for p in d['event_places']]}, verb: {d['event_verb']}")


if __name__ == "__main__":
    main()
