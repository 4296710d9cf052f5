#!/usr/bin/python3
"""Open every layer of an `incidentmap map` output in real QGIS (PyQGIS).

    /usr/bin/python3 tests/qgis/check_layers.py OUT_DIR [--png DIR]

For each layer (incidents, clusters, cluster_areas, admin1) it opens the
GeoJSON file (when written; QGIS applies the `.qml` beside it) and the
layer of `layers.gpkg` (whose default style comes from `layer_styles`), and
checks that:

- the layer is valid, in EPSG:4326, with the geometry type it should have;
- its style loads without error (`loadNamedStyle` / `loadDefaultStyle`),
  and the renderer is the one the style describes; labels are on where the
  style has them;
- counts and casualties are typed Integer (32-bit), not Integer64;
- a GeoJSON file is never an empty collection (QGIS cannot type or style
  one), and a layer left out as GeoJSON is in the GeoPackage;
- for incidents, once the style is applied, the temporal properties are
  active and a one-day range of the Temporal Controller selects exactly
  that day's incidents, day by day, in both formats;
- `map.qgs`, copied with `layers.gpkg` to another directory (its paths are
  relative), opens with all four layers valid and styled in legend order
  incidents, clusters, cluster_areas, admin1; the incidents' temporal
  settings are on as read (QGIS 3.22 switches them off when it opens a
  file, not when it reads a project) and one-day steps are exact; the
  Temporal Controller's range is the incidents' first day to the day after
  the last, in steps of one day.

With --png DIR it also renders each format's layers to DIR/<format>.png
offscreen, to look at. Prints one line per check and exits 1 on any failure.
"""

import datetime
import json
import os
import shutil
import sys
import tempfile

from qgischeck import check, failures, leave, start_qgis  # before qgis: sets the platform

from qgis.core import (  # noqa: E402
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsUnitTypes,
    QgsVectorLayerTemporalContext,
    QgsVectorLayerTemporalProperties,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QSize, QTime, QVariant  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

LAYERS = {
    # name: (geometry, renderer, labels on, integer fields)
    "incidents": (
        QgsWkbTypes.PointGeometry,
        "pointDisplacement",
        True,
        ["time_precision", "fatalities", "injured", "geo_precision", "cluster_id"],
    ),
    "clusters": (
        QgsWkbTypes.PointGeometry,
        "singleSymbol",
        True,
        ["cluster_id", "count", "distinct_locations", "fatalities", "injured"],
    ),
    "cluster_areas": (
        QgsWkbTypes.PolygonGeometry,
        "singleSymbol",
        False,
        ["cluster_id", "count", "distinct_locations", "fatalities", "injured"],
    ),
    "admin1": (
        QgsWkbTypes.PolygonGeometry,
        "graduatedSymbol",
        True,
        ["incident_count", "fatalities", "injured"],
    ),
}



def open_layer(uri, name):
    """The layer as QGIS opens it from a file (default style applied)."""
    return QgsVectorLayer(uri, name, "ogr")


def check_layer(layer, label, name, null_only=()):
    """`null_only`: fields with no value in any feature, which GeoJSON (it
    has no schema) can only give as String."""
    geometry, renderer, labels, ints = LAYERS[name]
    if not check(layer.isValid(), f"{label}: opens"):
        return False
    check(layer.crs().authid() == "EPSG:4326", f"{label}: CRS {layer.crs().authid()} is EPSG:4326")
    check(layer.geometryType() == geometry, f"{label}: geometry type {layer.geometryType()}")
    r = layer.renderer()
    check(r is not None and r.type() == renderer, f"{label}: renderer {r.type() if r else None} is {renderer}")
    check(layer.labelsEnabled() == labels, f"{label}: labels {'on' if labels else 'off'}")
    fields = layer.fields()
    for f in ints:
        i = fields.indexOf(f)
        if check(i >= 0, f"{label}: has field {f}") and f not in null_only:
            fld = fields.at(i)
            check(fld.type() == QVariant.Int, f"{label}: {f} is {fld.typeName()} (want Integer)")
    return True


def day_range(d):
    start = QDateTime(d, QTime(0, 0, 0))
    return QgsDateTimeRange(start, start.addDays(1), True, False)


def check_temporal(layer, label, events):
    """A one-day step shows exactly that day's incidents."""
    tp = layer.temporalProperties()
    check(tp.isActive(), f"{label}: temporal properties active after the style is applied")
    ctx = QgsVectorLayerTemporalContext()
    ctx.setLayer(layer)
    days = sorted(set(events.values()))
    wrong = []
    for day in days:
        d = QDate.fromString(day, "yyyy-MM-dd")
        flt = tp.createFilterString(ctx, day_range(d))
        got = sorted(f["event_id"] for f in layer.getFeatures(QgsFeatureRequest().setFilterExpression(flt)))
        want = sorted(k for k, v in events.items() if v == day)
        if got != want:
            wrong.append(f"{day}: {len(got)} shown, {len(want)} that day")
    # The day after the last one shows nothing.
    if days:
        last = QDate.fromString(days[-1], "yyyy-MM-dd").addDays(1)
        flt = tp.createFilterString(ctx, day_range(last))
        n = sum(1 for _ in layer.getFeatures(QgsFeatureRequest().setFilterExpression(flt)))
        if n:
            wrong.append(f"day after the last: {n} shown")
    check(not wrong, f"{label}: one-day steps exact on {len(days)} days {wrong[:3]}")


def check_admin1_join(admin, incidents, label):
    """The admin-1 counts are what a spatial join gives: the incidents inside
    each outline, plus those inside no outline whose admin1 names it."""
    areas = [(f["name"], f["incident_count"], f.geometry()) for f in admin.getFeatures()]
    points = [(f["admin1"], f.geometry()) for f in incidents.getFeatures()]
    wrong = []
    for name, count, geom in areas:
        inside = sum(1 for _, p in points if geom.contains(p))
        by_name = sum(1 for a, p in points if a == name and not any(g.contains(p) for _, _, g in areas))
        if count != inside + by_name:
            wrong.append(f"{name}: {count} counted, {inside} inside + {by_name} by name")
    check(not wrong, f"{label}: admin-1 counts agree with a spatial join {wrong[:3]}")


def check_project(out, events):
    """`map.qgs` read from a copy of the output in another directory."""
    src = os.path.join(out, "map.qgs")
    if not check(os.path.exists(src), "map.qgs exists"):
        return []
    moved = tempfile.mkdtemp(prefix="incidentmap-qgs-")
    for name in ("map.qgs", "layers.gpkg"):
        shutil.copy(os.path.join(out, name), moved)
    project = QgsProject.instance()
    if not check(project.read(os.path.join(moved, "map.qgs")), "map.qgs: QGIS reads it"):
        return []
    order = [lyr.name() for lyr in project.layerTreeRoot().layerOrder()]
    check(order == list(LAYERS), f"map.qgs: legend order {order}")
    layers = project.layerTreeRoot().layerOrder()
    for lyr in layers:
        if check_layer(lyr, f"map.qgs {lyr.name()}", lyr.name()):
            check(
                os.path.realpath(lyr.source().split("|")[0]) == os.path.realpath(os.path.join(moved, "layers.gpkg")),
                f"map.qgs {lyr.name()}: reads the GeoPackage beside the project ({lyr.source()})",
            )
    inc = project.mapLayersByName("incidents")
    if inc:
        tp = inc[0].temporalProperties()
        mode = QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromExpressions
        check(tp.mode() == mode, f"map.qgs incidents: temporal mode {tp.mode()} is start and end from expressions")
        check_temporal(inc[0], "map.qgs incidents", events)
    ts = project.timeSettings()
    days = sorted(set(events.values()))
    if days:
        first = QDate.fromString(days[0], "yyyy-MM-dd")
        after = QDate.fromString(days[-1], "yyyy-MM-dd").addDays(1)
        r = ts.temporalRange()
        check(
            r.begin().date() == first and r.end().date() == after,
            f"map.qgs: time range {r.begin().toString(1)} to {r.end().toString(1)} is {days[0]} to the day after {days[-1]}",
        )
    check(
        ts.timeStep() == 1 and ts.timeStepUnit() == QgsUnitTypes.TemporalDays,
        f"map.qgs: time step {ts.timeStep()} unit {ts.timeStepUnit()} is one day",
    )
    return layers


def render(layers, path):
    ms = QgsMapSettings()
    ms.setLayers(layers)
    ext = QgsRectangle()
    ext.setMinimal()
    for lyr in layers:
        if lyr.featureCount() > 0:
            ext.combineExtentWith(lyr.extent())
    if ext.isEmpty():
        return
    ext.scale(1.15)
    ms.setExtent(ext)
    ms.setOutputSize(QSize(1200, 900))
    ms.setBackgroundColor(QColor(255, 255, 255))
    ms.setDestinationCrs(layers[0].crs())
    job = QgsMapRendererSequentialJob(ms)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(path)
    print(f"rendered {path}")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = argv[1]
    png = argv[argv.index("--png") + 1] if "--png" in argv else None
    app = start_qgis()  # noqa: F841 (kept referenced while layers live)
    gpkg = os.path.join(out, "layers.gpkg")
    check(os.path.exists(gpkg), f"{gpkg} exists")
    events = {}
    by_format = {"geojson": [], "gpkg": []}
    for name in LAYERS:
        # GeoJSON with its .qml sidecar.
        gj = os.path.join(out, name + ".geojson")
        qml = os.path.join(out, name + ".qml")
        if os.path.exists(gj):
            with open(gj, encoding="utf-8") as f:
                fc = json.load(f)
            check(len(fc["features"]) > 0, f"{name}.geojson: not an empty collection")
            if name == "incidents":
                events = {f["properties"]["event_id"]: f["properties"]["event_date"] for f in fc["features"]}
            keys = {k for f in fc["features"] for k in f["properties"]}
            null_only = [k for k in keys if all(f["properties"].get(k) is None for f in fc["features"])]
            if null_only:
                print(f"note: {name}.geojson: {', '.join(sorted(null_only))} null in every feature")
            lyr = open_layer(gj, name)
            if check_layer(lyr, f"{name}.geojson", name, null_only):
                msg, ok = lyr.loadNamedStyle(qml)
                check(ok, f"{name}.qml: loads ({msg})")
                check_layer(lyr, f"{name}.geojson + qml", name, null_only)
                if name == "incidents":
                    check_temporal(lyr, f"{name}.geojson", events)
                by_format["geojson"].append(lyr)
        else:
            check(not os.path.exists(qml), f"{name}: no .qml without its GeoJSON")
            print(f"note: {name}.geojson not written (empty layer)")
        # The GeoPackage layer with its default style from layer_styles.
        lyr = open_layer(f"{gpkg}|layername={name}", name)
        if check_layer(lyr, f"layers.gpkg {name}", name):
            msg, ok = lyr.loadDefaultStyle()
            check(ok, f"layers.gpkg {name}: default style loads ({msg})")
            check_layer(lyr, f"layers.gpkg {name} + style", name)
            if name == "incidents":
                n = lyr.featureCount()
                check(n == len(events) or not os.path.exists(gj), f"layers.gpkg incidents: {n} features")
                if not events:
                    events = {f["event_id"]: f["event_date"].toString("yyyy-MM-dd") for f in lyr.getFeatures()}
                check_temporal(lyr, "layers.gpkg incidents", events)
            by_format["gpkg"].append(lyr)
    gp = {lyr.name(): lyr for lyr in by_format["gpkg"]}
    if "admin1" in gp and "incidents" in gp:
        check_admin1_join(gp["admin1"], gp["incidents"], "layers.gpkg")
    by_format["project"] = check_project(out, events)
    if png:
        os.makedirs(png, exist_ok=True)
        for fmt, layers in by_format.items():
            if layers:
                # Points over polygons: incidents and clusters on top.
                render(layers, os.path.join(png, fmt + ".png"))
    if failures:
        print(f"qgis check: {len(failures)} failure(s)")
        return 1
    print("qgis check: every layer opens styled")
    return 0


if __name__ == "__main__":
    leave(main(sys.argv))
