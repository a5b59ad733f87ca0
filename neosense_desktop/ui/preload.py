"""Modules the window does not need to paint, but a run or Test connection would otherwise
import on first use, in the middle of the run.

The neo4j driver is a third of the app's imports: importing it before the first paint
doubled the cold start (issue 16). So the window paints first, and `schedule()` then
imports these one per event-loop turn, long before a person can press Test connection.
Whatever needs one of them earlier simply imports it then.

With PySide6 loaded, every import goes through PySide's feature hook, which reads the new
module's source (inspect.getsource) to look for `from __feature__`: measured 30-80 ms of
frozen window per import chain during the first extraction run (benchmarks/ui_bench.py).
The driver imports idna when resolving the server's host name and pytz when hydrating its
first date-time; both are here so that they load now and not during a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging

log = logging.getLogger(__name__)

MODULES = (
    "neosense_desktop.core.extraction.runner",  # the driver with it
    "neosense_desktop.core.probe",
    "encodings.idna",
    "pytz",  # optional for the driver
)
# Long enough for the first paint to reach the screen, short against a person's first click.
DELAY_S = 0.1


def _import(name: str) -> None:
    with contextlib.suppress(ImportError):
        importlib.import_module(name)


def import_now() -> None:
    """Import them all at once (benchmarks that measure a run's stalls, not start-up)."""
    for name in MODULES:
        _import(name)


def schedule(delay_s: float = DELAY_S) -> None:
    """Import them on the running loop, one per turn, starting after delay_s."""
    loop = asyncio.get_running_loop()
    pending = list(MODULES)

    def step() -> None:
        try:
            _import(pending.pop(0))
        except Exception:  # a broken optional module must not take the window down
            log.exception("preloading a module failed; it will load on first use")
        if pending:
            loop.call_soon(step)

    loop.call_later(delay_s, step)
