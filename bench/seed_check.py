#!/usr/bin/env python3
"""Check `incidentmap extract` against the seed article, using facts only.

The seed article (the news report the project started from) lives outside the
repository, in ../shared/seed relative to the repo root. It is not ours to
copy, so this script holds no sentences from it: only the facts a careful
coder would take from it (dates, places, casualty counts, event types).

It runs

    incidentmap extract <seed>/*.txt --published 2020-05-15 --format jsonl

reads one JSON incident per line, pairs the tool's incidents with the
expected facts, and prints a matched / missed / extra table with precision
and recall. Casualty counts, time precision and event type are compared for
matched pairs and reported separately; they do not decide the match.

Binary: $INCIDENTMAP if set, else target/release/incidentmap, else
`cargo run --release --quiet --` in the repo root.

Exit status: 0 whenever the tool ran (whatever the score) and when the seed
directory is absent; 1 when the tool could not be run or failed.
Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SEED_DIR = os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "seed"))
PUBLISHED = "2020-05-15"  # a Friday

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_APOSTROPHES = "'`\u2018\u2019\u02bc\u02bb\u02be\u02bf\u00b4"


def fold(s: object) -> str:
    """Lower-case, strip diacritics and apostrophes, collapse punctuation."""
    if s is None:
        return ""
    s = unicodedata.normalize("NFKD", str(s))
    s = "".join(c for c in s if not unicodedata.combining(c))
    for a in _APOSTROPHES:
        s = s.replace(a, "")
    s = re.sub(r"[^0-9a-z]+", " ", s.lower()).strip()
    # Arabic article: "al anbar" == "anbar", "as sulaymaniyah" == "sulaymaniyah"
    s = re.sub(r"\b(?:al|el|as|ash|ad|ar|an|at|az)\s+", "", s)
    return s


# Canonical admin1 -> spellings the tool might emit (GeoNames, ACLED, press).
ADMIN1_ALIASES = {
    "Baghdad": ["Baghdad"],
    "Diyala": ["Diyala", "Diyālá", "Diyalah"],
    "Anbar": ["Anbar", "Al Anbar", "Al-Anbar"],
    "Babil": ["Babil", "Bābil", "Babylon"],
    "Salah ad Din": ["Salah ad Din", "Salah al-Din", "Salahuddin", "Saladin", "Salah al Din", "Salaheddine"],
    "Sulaymaniyah": ["Sulaymaniyah", "As Sulaymaniyah", "Sulaimani", "Sulaimaniya", "Slemani", "Suleimaniyah"],
    "Duhok": ["Duhok", "Dohuk", "Dahuk", "Dahūk", "Dihok"],
    "Erbil": ["Erbil", "Arbil", "Arbīl", "Irbil", "Hewler"],
    "Nineveh": ["Nineveh", "Ninawa", "Ninewa", "Nīnawá"],
    "Kirkuk": ["Kirkuk", "Tamim", "At-Ta'mim"],
}


def admin1_matches(got: str, wanted: list[str]) -> bool:
    g = fold(got)
    if not g:
        return False
    for canon in wanted:
        for alias in ADMIN1_ALIASES.get(canon, [canon]):
            if fold(alias) == g:
                return True
    return False


def name_matches(texts: list[str], aliases: list[str]) -> bool:
    hay = " " + " | ".join(fold(t) for t in texts if t) + " "
    for a in aliases:
        fa = fold(a)
        if fa and re.search(r"(?<![0-9a-z])" + re.escape(fa) + r"(?![0-9a-z])", hay):
            return True
    return False


# ---------------------------------------------------------------------------
# Expected facts (no sentences from the article, by design)
# ---------------------------------------------------------------------------


@dataclass
class Fact:
    key: str
    what: str  # short label written for this script
    date: str  # YYYY-MM-DD (first day of the month/week for coarse dates)
    time_precision: int
    names: list[str]  # place names, any of which may appear in location/place
    admin1: list[str]  # acceptable canonical admin1 values
    event_type: str
    fatalities: int | None  # None = not stated, not compared
    injured: int | None
    location_type: str | None = None  # "region"/"admin1" when no site is given
    geo_precision: int | None = None
    notes: list[str] = field(default_factory=list)


FACTS = [
    Fact("rusafa-2019-08", "prison break, Rusafa prison, Baghdad", "2019-08-01", 3,
         ["Rusafa", "Baghdad"], ["Baghdad"], "Strategic developments", 0, 0),
    Fact("sulaymaniyah-2018-12", "detainees escape, Sulaimani", "2018-12-01", 3,
         ["Sulaimani", "Sulaymaniyah", "Sulaimaniya", "Slemani"], ["Sulaymaniyah"],
         "Strategic developments", 0, 0),
    Fact("duhok-2018-05", "fire during attempted prison break, Duhok", "2018-05-01", 3,
         ["Duhok", "Dohuk", "Dahuk", "Dihok"], ["Duhok"], "Strategic developments", 7, None,
         notes=["injured given only as 'several': not compared"]),
    Fact("n-diyala-2020-05-15", "ISIS attack on PMF, northern Diyala", "2020-05-15", 1,
         ["northern Diyala", "Diyala"], ["Diyala"], "Battles", 4, 6,
         location_type="region", geo_precision=2),
    Fact("khanaqin-2020-05-14", "PMF units attacked, Khanaqin", "2020-05-14", 1,
         ["Khanaqin", "Khanaqeen", "Xaneqin"], ["Diyala"], "Battles", 0, 0),
    Fact("jurf-2020-05-14", "PMF units attacked, Jurf al-Nasr", "2020-05-14", 1,
         ["Jurf al-Nasr", "Jurf al Nasr", "Jurf al-Sakhar", "Jurf al-Sakhir", "Jurf as Sakhr"], ["Babil"],
         "Battles", 0, 0),
    Fact("akashat-2020-05-14", "PMF units attacked, Akashat / western Anbar", "2020-05-14", 1,
         ["Akashat", "Akkashat", "western Anbar"], ["Anbar"], "Battles", 0, 0),
    Fact("n-baghdad-ied-2020-05-15", "IED on army convoy, northern Baghdad province", "2020-05-15", 1,
         ["northern Baghdad", "Baghdad"], ["Baghdad"], "Explosions/Remote violence", 2, 4,
         location_type="region", geo_precision=2),
    Fact("saladin-2020-05-02", "ten PMF killed, Saladin", "2020-05-02", 1,
         ["Saladin", "Salah ad Din", "Salahuddin", "Salah al-Din"], ["Salah ad Din"], "Battles", 10, 0,
         location_type="admin1", geo_precision=3),
    Fact("zaghniya-2020-05-02", "federal police post attacked, Zaghniya (Diyala)", "2020-05-02", 1,
         ["Zaghniya", "Zaghnia", "Zaghniyah"], ["Diyala"], "Battles", 3, 2,
         geo_precision=3, notes=["village not in gazetteer: placed at Diyala"]),
    Fact("diyala-crops-2020-05-04", "crop arson, Diyala (last week)", "2020-05-04", 2,
         ["Diyala"], ["Diyala"], "Strategic developments", 0, 0,
         location_type="admin1", geo_precision=3),
    Fact("makhmour-2020-05-12", "crop fires, Makhmour (Tuesday)", "2020-05-12", 1,
         ["Makhmour", "Makhmur", "Mexmur", "Makhmour Mountains"], ["Erbil", "Nineveh"],
         "Strategic developments", 0, 0),
]

# Things in the article that must NOT become incidents, as facts, used only to
# label extras. (date_from, date_to, label)
TRAPS = [
    ("2020-05-07", "2020-05-13", "claimed-attacks total (42, May 7-13)"),
    ("2020-01-01", "2020-03-31", "first-quarter statistic (80 of 250) / report period"),
    ("2020-03-22", "2020-03-22", "prisoner estimate (19,000), Mar 22 analysis"),
    ("2017-12-01", "2017-12-31", "prisoner estimate (20,000) or territorial-defeat date, Dec 2017"),
    ("2020-02-01", "2020-02-29", "February assessment (Makhmour Mountains)"),
    ("2020-04-01", "2020-04-30", "April statement by the former defence minister"),
]


# ---------------------------------------------------------------------------
# Running the tool
# ---------------------------------------------------------------------------


def tool_command() -> tuple[list[str], str]:
    env = os.environ.get("INCIDENTMAP", "").strip()
    if env:
        return shlex.split(env), "$INCIDENTMAP"
    release = os.path.join(REPO_ROOT, "target", "release", "incidentmap")
    if os.path.isfile(release) and os.access(release, os.X_OK):
        return [release], "target/release/incidentmap"
    return ["cargo", "run", "--release", "--quiet", "--"], "cargo run --release"


def run_tool(cmd: list[str], files: list[str], timeout: int) -> list[dict]:
    argv = cmd + ["extract", *files, "--published", PUBLISHED, "--format", "jsonl"]
    try:
        proc = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)
    except FileNotFoundError as e:
        raise RuntimeError(f"cannot start {argv[0]!r}: {e}") from e
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"timed out after {timeout}s: {' '.join(argv)}") from e
    if proc.returncode != 0:
        raise RuntimeError(
            f"exit status {proc.returncode}: {' '.join(shlex.quote(a) for a in argv)}\n{proc.stderr.strip()}"
        )
    return parse_output(proc.stdout)


def parse_output(text: str) -> list[dict]:
    stripped = text.strip()
    if stripped.startswith("["):  # tolerate a JSON array
        data = json.loads(stripped)
        return [d for d in data if isinstance(d, dict)]
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            print(f"warning: line {n} of the tool output is not JSON: {line[:80]!r}", file=sys.stderr)
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------


def parse_date(s: object) -> dt.date | None:
    if not s:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(s))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def as_int(v: object) -> int | None:
    try:
        return int(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def coords(inc: dict) -> tuple[float | None, float | None]:
    lat, lon = inc.get("latitude"), inc.get("longitude")
    pos = inc.get("position")
    if (lat is None or lon is None) and isinstance(pos, dict):
        lat, lon = pos.get("lat"), pos.get("lon")
    try:
        return float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, None


def date_ok(fact: Fact, got: dt.date | None) -> tuple[bool, bool]:
    """(acceptable, exact)"""
    if got is None:
        return False, False
    want = dt.date.fromisoformat(fact.date)
    if fact.time_precision >= 3:
        same = (got.year, got.month) == (want.year, want.month)
        return same, same and got == want
    tolerance = 7 if fact.time_precision == 2 else 1
    d = abs((got - want).days)
    return d <= tolerance, d == 0


def place_texts(inc: dict) -> list[str]:
    return [str(inc.get(k) or "") for k in ("location", "place_name", "place", "admin2")]


def score(fact: Fact, inc: dict) -> float | None:
    ok, exact = date_ok(fact, parse_date(inc.get("event_date")))
    if not ok:
        return None
    by_name = name_matches(place_texts(inc), fact.names)
    by_admin1 = admin1_matches(inc.get("admin1", ""), fact.admin1)
    if not (by_name or by_admin1):
        return None
    s = 4.0 * by_name + 2.0 * by_admin1 + 1.0 * exact
    if fold(inc.get("event_type")) == fold(fact.event_type):
        s += 1.0
    return s


def pair_up(facts: list[Fact], incs: list[dict]) -> dict[int, int]:
    """Greedy one-to-one assignment, best-scoring pairs first."""
    cands = []
    for fi, f in enumerate(facts):
        for ii, inc in enumerate(incs):
            s = score(f, inc)
            if s is not None:
                cands.append((s, -fi, -ii, fi, ii))
    cands.sort(reverse=True)
    used_f: set[int] = set()
    used_i: set[int] = set()
    pairs: dict[int, int] = {}
    for _s, _a, _b, fi, ii in cands:
        if fi in used_f or ii in used_i:
            continue
        pairs[fi] = ii
        used_f.add(fi)
        used_i.add(ii)
    return pairs


def differences(f: Fact, inc: dict) -> list[str]:
    diffs = []
    fat, inj = as_int(inc.get("fatalities")), as_int(inc.get("injured"))
    if f.fatalities is not None and fat != f.fatalities:
        diffs.append(f"fatalities {fat} != {f.fatalities}")
    if f.injured is not None and inj != f.injured:
        diffs.append(f"injured {inj} != {f.injured}")
    tp = as_int(inc.get("time_precision"))
    if tp is not None and tp != f.time_precision:
        diffs.append(f"time_precision {tp} != {f.time_precision}")
    got = parse_date(inc.get("event_date"))
    if got and got.isoformat() != f.date and f.time_precision == 1:
        diffs.append(f"date {got} != {f.date}")
    if not admin1_matches(inc.get("admin1", ""), f.admin1):
        diffs.append(f"admin1 {inc.get('admin1')!r} not in {f.admin1}")
    if fold(inc.get("event_type")) != fold(f.event_type):
        diffs.append(f"event_type {inc.get('event_type')!r} != {f.event_type!r}")
    lt = str(inc.get("location_type") or "")
    if f.location_type and lt and lt != f.location_type and not (
        {lt, f.location_type} <= {"region", "admin1"}
    ):
        diffs.append(f"location_type {lt!r} != {f.location_type!r}")
    gp = as_int(inc.get("geo_precision"))
    if f.geo_precision and gp is not None and gp < f.geo_precision:
        diffs.append(f"geo_precision {gp} claims more than {f.geo_precision}")
    return diffs


def describe(inc: dict) -> str:
    lat, lon = coords(inc)
    where = inc.get("location") or inc.get("place_name") or "?"
    pos = f" ({lat:.3f},{lon:.3f})" if lat is not None and lon is not None else ""
    return (
        f"{inc.get('event_date', '?')} p{inc.get('time_precision', '?')} {where}"
        f" [{inc.get('admin1', '')}]{pos} {inc.get('event_type', '')}/{inc.get('sub_event_type', '')}"
        f" k={inc.get('fatalities', '?')} w={inc.get('injured', '?')}"
    )


def trap_label(inc: dict) -> str:
    d = parse_date(inc.get("event_date"))
    if d is None:
        return ""
    # narrowest range first, so a specific trap wins over a broad one
    for a, b, label in sorted(TRAPS, key=lambda t: dt.date.fromisoformat(t[1]) - dt.date.fromisoformat(t[0])):
        if dt.date.fromisoformat(a) <= d <= dt.date.fromisoformat(b):
            return f"  <- looks like: {label}"
    return ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed-dir", default=DEFAULT_SEED_DIR, help="directory with the seed *.txt (default: %(default)s)")
    ap.add_argument("--input", help="read JSONL from this file instead of running the tool")
    ap.add_argument("--timeout", type=int, default=1800, help="seconds to wait for the tool (default: %(default)s)")
    ap.add_argument("--json", action="store_true", help="also print a one-line JSON summary at the end")
    args = ap.parse_args()

    if args.input:
        with open(args.input, encoding="utf-8") as fh:
            incs = parse_output(fh.read())
        source = args.input
    else:
        files = sorted(glob.glob(os.path.join(args.seed_dir, "*.txt")))
        if not os.path.isdir(args.seed_dir) or not files:
            print(f"seed_check: no seed articles in {args.seed_dir} (directory absent or empty); nothing to check.")
            return 0
        cmd, source = tool_command()
        print(f"seed_check: running {source} on {len(files)} seed file(s), --published {PUBLISHED}")
        try:
            incs = run_tool(cmd, files, args.timeout)
        except (RuntimeError, json.JSONDecodeError) as e:
            print(f"seed_check: the tool failed: {e}", file=sys.stderr)
            return 1

    pairs = pair_up(FACTS, incs)
    matched_i = set(pairs.values())

    print()
    print(f"{'status':<8} {'expected':<60} tool output / notes")
    print("-" * 120)
    n_exact = 0
    for fi, f in enumerate(FACTS):
        label = f"{f.date[:7] if f.time_precision == 3 else f.date} {f.what}"
        if fi in pairs:
            inc = incs[pairs[fi]]
            diffs = differences(f, inc)
            n_exact += not diffs
            print(f"{'MATCH':<8} {label:<60} {describe(inc)}")
            for d in diffs:
                print(f"{'':<8} {'':<60}   ! {d}")
        else:
            want_cas = f"k={f.fatalities if f.fatalities is not None else '-'} w={f.injured if f.injured is not None else '-'}"
            print(f"{'MISSED':<8} {label:<60} (want {', '.join(f.admin1)}, {want_cas})")
    extras = [inc for i, inc in enumerate(incs) if i not in matched_i]
    for inc in extras:
        print(f"{'EXTRA':<8} {'':<60} {describe(inc)}{trap_label(inc)}")
    print("-" * 120)

    tp = len(pairs)
    precision = tp / len(incs) if incs else 0.0
    recall = tp / len(FACTS) if FACTS else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(
        f"expected {len(FACTS)}  output {len(incs)}  matched {tp}  missed {len(FACTS) - tp}  extra {len(extras)}"
        f"  | all fields agree {n_exact}/{tp}"
    )
    print(f"precision {precision:.2f}  recall {recall:.2f}  F1 {f1:.2f}   (source: {source})")
    if args.json:
        print(json.dumps({
            "expected": len(FACTS), "output": len(incs), "matched": tp, "extra": len(extras),
            "fields_agree": n_exact, "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "missed": [FACTS[i].key for i in range(len(FACTS)) if i not in pairs],
        }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
