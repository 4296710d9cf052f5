#!/usr/bin/python3
"""Open `incidentmap serve` in QGIS's own OGC API - Features provider (PyQGIS).

    /usr/bin/python3 tests/qgis/check_oapif.py BASE_URL \\
        --expect incidents=67 --expect clusters=5 --expect admin1=21 \\
        --bbox 44,33,45,34.5 [--same-as OUT_DIR] [--page-size N]

For each collection named by --expect it opens
QgsVectorLayer("url='BASE_URL' typename='NAME'", NAME, "OAPIF") (the URI
the Add WFS / OGC API - Features Layer dialog builds) and checks that:

- the layer is valid, in EPSG:4326;
- featureCount() and the features read both equal the expected count;
- event_date (incidents) is typed Date, and fatalities, counts and
  incident_count are Integer (32-bit), as QGIS reports them;
- with --same-as, every field's name and type equal those QGIS gives the
  same collection's GeoJSON file written by `incidentmap map` in OUT_DIR;
- a QgsFeatureRequest().setFilterRect(BBOX) on a layer opened with
  restrictToRequestBBOX='1' (so the provider asks the server for that box)
  returns the same features as the server's own
  /collections/NAME/items?bbox=BBOX;
- with --page-size N, the incidents read again with the provider's
  pageSize=N (so it follows the server's `next` links) are the same.

Features are compared by their key: id (incidents), cluster_id (clusters),
code (admin1). Prints one line per check, then a summary line, and exits 1
on any failure.
"""

import argparse
import json
import os
import urllib.request

from qgischeck import check, failures, leave, start_qgis  # before qgis: sets the platform

from qgis.core import (  # noqa: E402
    QgsFeatureRequest,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant  # noqa: E402

KEYS = {"incidents": "id", "clusters": "cluster_id", "admin1": "code"}
# Fields whose type is checked exactly, as QGIS reports them.
TYPES = {
    "incidents": {"event_date": QVariant.Date, "fatalities": QVariant.Int, "injured": QVariant.Int},
    "clusters": {"count": QVariant.Int, "fatalities": QVariant.Int, "first_date": QVariant.Date},
    "admin1": {"incident_count": QVariant.Int, "fatalities": QVariant.Int},
}



def open_oapif(base, name, page_size=None, restrict_to_bbox=False):
    uri = f"url='{base}' typename='{name}'"
    if page_size:
        uri += f" pageSize='{page_size}'"
    if restrict_to_bbox:
        # "Only request features overlapping the view extent": the provider
        # sends the request's rectangle to the server as `bbox`.
        uri += " restrictToRequestBBOX='1'"
    return QgsVectorLayer(uri, name, "OAPIF")


def keys(features, name):
    return sorted(f[KEYS[name]] for f in features)


def server_keys(base, name, bbox):
    url = f"{base}/collections/{name}/items?limit=10000&bbox={bbox}"
    req = urllib.request.Request(url, headers={"Accept": "application/geo+json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        fc = json.load(r)
    return sorted(f["properties"][KEYS[name]] for f in fc["features"])


def field_types(layer):
    return [(f.name(), f.typeName()) for f in layer.fields()]


def check_collection(base, name, expected, bbox, same_as):
    layer = open_oapif(base, name)
    label = f"OAPIF {name}"
    if not check(layer.isValid(), f"{label}: valid"):
        print(f"  error: {layer.error().summary()}")
        return
    crs = layer.crs().authid()
    check(crs == "EPSG:4326", f"{label}: CRS {crs} is EPSG:4326")
    count = layer.featureCount()
    check(count == expected, f"{label}: featureCount {count} == {expected}")
    read = list(layer.getFeatures())
    check(len(read) == expected, f"{label}: {len(read)} features read == {expected}")
    check(len(set(keys(read, name))) == len(read), f"{label}: {KEYS[name]} unique")
    fields = layer.fields()
    for field, want in TYPES[name].items():
        i = fields.indexOf(field)
        if check(i >= 0, f"{label}: has field {field}"):
            f = fields.at(i)
            check(
                f.type() == want,
                f"{label}: {field} is {f.typeName()} (QVariant {f.type()}, want {QVariant.typeToName(want)})",
            )
    if same_as:
        path = os.path.join(same_as, f"{name}.geojson")
        file_layer = QgsVectorLayer(path, name, "ogr")
        if check(file_layer.isValid(), f"{label}: {path} opens"):
            a, b = field_types(layer), field_types(file_layer)
            diff = [(x, y) for x, y in zip(a, b) if x != y]
            check(a == b, f"{label}: fields and types equal {name}.geojson's ({len(a)} vs {len(b)}; differ: {diff})")
    # A fresh layer that sends the rectangle to the server as `bbox`.
    fresh = open_oapif(base, name, restrict_to_bbox=True)
    rect = QgsRectangle(*[float(v) for v in bbox.split(",")])
    req = QgsFeatureRequest().setFilterRect(rect)
    if name == "admin1":
        # Areas: the server selects those whose outline meets the box, not
        # only their bounding box.
        req.setFlags(QgsFeatureRequest.ExactIntersect)
    in_box = keys(fresh.getFeatures(req), name)
    served = server_keys(base, name, bbox)
    check(
        in_box == served,
        f"{label}: setFilterRect({bbox}) gives the {len(served)} features of /items?bbox= (QGIS: {len(in_box)})",
    )
    check(0 < len(served) < expected, f"{label}: the box selects some features, not all ({len(served)} of {expected})")
    print(f"report: {name} valid={layer.isValid()} count={count} crs={crs} fields={field_types(layer)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--expect", action="append", required=True, help="NAME=COUNT")
    ap.add_argument("--bbox", required=True, help="minx,miny,maxx,maxy")
    ap.add_argument("--same-as", help="the `map` output directory to compare field types with")
    ap.add_argument("--page-size", type=int)
    args = ap.parse_args()
    base = args.base.rstrip("/")
    app = start_qgis()  # noqa: F841 (kept referenced while layers live)
    expected = {}
    for e in args.expect:
        name, n = e.split("=")
        expected[name] = int(n)
    for name, n in expected.items():
        check_collection(base, name, n, args.bbox, args.same_as)
    if args.page_size and "incidents" in expected:
        paged = open_oapif(base, "incidents", args.page_size)
        all_once = open_oapif(base, "incidents")
        if check(paged.isValid(), f"OAPIF incidents pageSize={args.page_size}: valid"):
            a, b = keys(paged.getFeatures(), "incidents"), keys(all_once.getFeatures(), "incidents")
            check(
                a == b and len(a) == expected["incidents"],
                f"OAPIF incidents pageSize={args.page_size}: {len(a)} features read over pages == {len(b)} in one",
            )
    if failures:
        print(f"qgis oapif: {len(failures)} check(s) failed")
        return 1
    print("qgis oapif: every collection opens with the expected counts and types")
    return 0


if __name__ == "__main__":
    leave(main())
