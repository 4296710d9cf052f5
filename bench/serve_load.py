#!/usr/bin/env python3
"""Bounded local load test of `incidentmap serve`: N item requests over C
concurrent keep-alive connections (stdlib only), a mix of pages, bbox,
datetime, filters and single features. Prints one JSON line: requests,
errors, wall seconds, requests/s and latency percentiles in ms.

usage: serve_load.py URL [--requests 20000] [--concurrency 32]
"""
import argparse
import http.client
import json
import random
import threading
import time
import urllib.parse

PATHS = [
    "/collections/incidents/items?limit=100",
    "/collections/incidents/items?limit=10&offset=50",
    "/collections/incidents/items?bbox=44,33,46,35&limit=50",
    "/collections/incidents/items?datetime=2020-01-01/2020-12-31&limit=20",
    "/collections/incidents/items?event_type=Battles&fatalities=1&limit=20",
    "/collections/incidents/items/1",
    "/collections/incidents/clusters?zoom=6",
    "/collections",
]


def worker(host, port, n, seed, lat, errors):
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    for _ in range(n):
        path = rnd.choice(PATHS)
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
            if r.status != 200 or not body:
                errors.append(f"{path}: {r.status}")
        except Exception as e:  # a refused or dropped connection is an error
            errors.append(f"{path}: {e}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        lat.append(time.perf_counter() - t)
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=32)
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    per = a.requests // a.concurrency
    lat, errors = [], []
    threads = [threading.Thread(target=worker, args=(u.hostname, u.port, per + (i < a.requests % a.concurrency), i, lat, errors))
               for i in range(a.concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat.sort()
    pct = lambda p: round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 2)
    print(json.dumps({
        "requests": len(lat), "concurrency": a.concurrency, "errors": len(errors),
        "first_errors": errors[:3], "wall_s": round(wall, 3), "req_per_s": round(len(lat) / wall, 1),
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": round(1000 * lat[-1], 2),
    }))


if __name__ == "__main__":
    main()
