#!/usr/bin/python3
"""Open the PostGIS tables of an `incidentmap map -o postgresql://...` run in
real QGIS (PyQGIS, the "postgres" provider).

    PGPASSWORD=... /usr/bin/python3 tests/qgis/check_postgis.py \\
        HOST PORT DBNAME USER TABLE INCIDENTS CLUSTERS ADMIN1

TABLE is the incident table; the run wrote TABLE_clusters and TABLE_admin1
beside it. INCIDENTS, CLUSTERS and ADMIN1 are the row counts the tables hold
(the caller counts them with SQL). The password comes from PGPASSWORD (or
~/.pgpass), as for psql, so that it is not on the command line.

For each of the three layers it checks that:

- the layer is valid, in EPSG:4326, with the geometry type it should have,
  and QGIS counts as many features as the table has rows;
- QGIS finds the layer's default style in `layer_styles` (the style list
  of the layer names it, and `loadDefaultStyle` says it came from the
  database), and the style was applied when the layer was opened: the
  renderer and the labels are those our QML sets (a layer without its
  style gets QGIS's own single-symbol renderer and no labels);
- the typed columns come through typed: `event_date` a Date,
  `fatalities` an Integer (32-bit), the summary counts integers.

Prints one line per check and exits 1 on any failure, listing them.
"""

import os
import sys

from qgischeck import check, failures, leave, start_qgis  # before qgis: sets the platform

from qgis.core import (  # noqa: E402
    QgsDataSourceUri,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant  # noqa: E402

# suffix: (geometry, renderer the QML sets, labels on, {field: QVariant type})
LAYERS = {
    "": (
        QgsWkbTypes.PointGeometry,
        "pointDisplacement",
        True,
        {
            "event_date": QVariant.Date,
            "fatalities": QVariant.Int,
            "injured": QVariant.Int,
            "geo_precision": QVariant.Int,
        },
    ),
    "_clusters": (
        QgsWkbTypes.PointGeometry,
        "singleSymbol",
        True,
        {"cluster_id": QVariant.Int, "count": QVariant.Int, "first_date": QVariant.Date},
    ),
    "_admin1": (
        QgsWkbTypes.PolygonGeometry,
        "graduatedSymbol",
        True,
        {"incident_count": QVariant.LongLong, "first_date": QVariant.Date},
    ),
}



def open_layer(host, port, db, user, table, key, wkb_type):
    uri = QgsDataSourceUri()
    # No password here: libpq reads PGPASSWORD or ~/.pgpass.
    uri.setConnection(host, port, db, user, "")
    uri.setDataSource("public", table, "geom", "", key)
    # With the geometry type, as the QGIS browser and "Add PostGIS Layers"
    # give it, or without, as a script may: the provider looks styles up
    # by the URI's geometry type or a style row with no type, which is
    # what incidentmap writes so that both find it.
    if wkb_type is not None:
        uri.setWkbType(wkb_type)
        uri.setSrid("4326")
    return QgsVectorLayer(uri.uri(False), table, "postgres")


def check_layer(layer, table, want_rows, geometry, renderer, labels, fields, style=None):
    """`table` labels the lines printed; `style` is the style's name (the
    table's name, by default)."""
    style = style or table
    if not check(layer.isValid(), f"{table}: opens with the postgres provider"):
        return
    check(layer.crs().authid() == "EPSG:4326", f"{table}: CRS {layer.crs().authid()} is EPSG:4326")
    check(layer.geometryType() == geometry, f"{table}: geometry type {layer.geometryType()}")
    n = layer.featureCount()
    check(n == want_rows, f"{table}: {n} features, {want_rows} rows in the table")
    # The style QGIS finds in layer_styles for this layer. The first
    # `related` entries of the list belong to the layer itself.
    listed = layer.listStylesInDatabase()
    related, names = listed[0], list(listed[2])
    check(related >= 1 and style in names[:related], f"{table}: layer_styles lists {names[:related]}")
    # Applied on opening (QGIS loads a PostGIS layer's default style from
    # layer_styles when it creates the layer): what the layer shows now.
    r = layer.renderer()
    got = r.type() if r else None
    check(got == renderer, f"{table}: renderer on opening is {got} (the style sets {renderer})")
    check(layer.labelsEnabled() == labels, f"{table}: labels {'on' if labels else 'off'} on opening")
    msg, ok = layer.loadDefaultStyle()
    check(ok, f"{table}: loadDefaultStyle finds the default style ({msg})")
    got = layer.renderer().type() if layer.renderer() else None
    check(got == renderer, f"{table}: renderer after loadDefaultStyle is {got}")
    flds = layer.fields()
    for name, ty in fields.items():
        i = flds.indexOf(name)
        if check(i >= 0, f"{table}: has field {name}"):
            f = flds.at(i)
            check(f.type() == ty, f"{table}: {name} is {f.typeName()} ({QVariant.typeToName(f.type())})")


def main(argv):
    if len(argv) != 9:
        print(__doc__)
        return 2
    host, port, db, user, table = argv[1:6]
    counts = [int(a) for a in argv[6:9]]
    app = start_qgis()  # noqa: F841 (kept referenced while layers live)
    keys = {
        "": ("event_id", QgsWkbTypes.Point),
        "_clusters": ("cluster_id", QgsWkbTypes.Point),
        "_admin1": ("code", QgsWkbTypes.MultiPolygon),
    }
    for (suffix, (geometry, renderer, labels, fields)), rows in zip(LAYERS.items(), counts):
        t = table + suffix
        key, wkb_type = keys[suffix]
        layer = open_layer(host, port, db, user, t, key, wkb_type)
        check_layer(layer, t, rows, geometry, renderer, labels, fields)
        layer = open_layer(host, port, db, user, t, key, None)
        check_layer(layer, f"{t} (no geometry type in the URI)", rows, geometry, renderer, labels, fields, style=t)
    if failures:
        print(f"qgis postgis check: {len(failures)} failure(s):")
        for f in failures:
            print(f"  {f}")
        return 1
    print("qgis postgis check: every table opens styled")
    return 0


if __name__ == "__main__":
    leave(main(sys.argv))
