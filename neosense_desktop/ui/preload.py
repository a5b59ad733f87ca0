"""Modules a run would otherwise import on first use, in the middle of the run.

With PySide6 loaded, every import goes through PySide's feature hook, which reads the new
module's source (inspect.getsource) to look for `from __feature__`: measured 30-80 ms of
frozen window per import chain during the first extraction run (benchmarks/ui_bench.py).
The driver imports these lazily: idna when resolving the server's host name, pytz when
hydrating its first date-time. Imported here, with the window module, they cost that
once at start-up instead of stalling a run.
"""

from __future__ import annotations

import contextlib
import importlib

for _name in ("encodings.idna", "pytz"):
    with contextlib.suppress(ImportError):  # pytz is optional for the driver
        importlib.import_module(_name)
