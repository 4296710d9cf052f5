"""What the real-QGIS check scripts in this directory share: QGIS started
headless, one printed line per check with the failures kept, and a way out
that skips PyQGIS 3.22's teardown.

Import it before anything from `qgis`: it sets the offscreen platform.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication  # noqa: E402

failures = []


def check(ok, what):
    """Prints "ok: what" or "FAIL: what" and keeps the failures."""
    print(("ok: " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def start_qgis():
    """QGIS without a GUI; keep the returned application referenced."""
    app = QgsApplication([], False)
    app.initQgis()
    return app


def leave(code):
    """Exits with `code`. Tearing QGIS down (exitQgis, or the interpreter's
    own exit) with layers still referenced crashes PyQGIS 3.22 with a
    segmentation fault after every check ran: leave without it."""
    sys.stdout.flush()
    os._exit(code)
