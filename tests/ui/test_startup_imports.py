"""Cold start: the window paints before the neo4j driver and keyring load, and both load
right after, before a person can press Test connection (issue 16: the driver's import
doubled the time to a painted window, keyring's choice of backend took a sixth of it).
In a fresh interpreter: in this one both are long loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from neosense_desktop.ui import preload

CHILD = r"""
import asyncio, json, sys, time
from PySide6.QtCore import QSettings
import qasync
from neosense_desktop import app
from neosense_desktop.ui import preload

LATER = ("neo4j", "keyring", *preload.MODULES)

async def main():
    settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
    services = app.build_services(settings)  # the real keyring, as the app
    async with app.open_window(services) as window:
        painted = window.isVisible()
        at_paint = sorted(m for m in LATER if m in sys.modules)
        wanted = [m for m in LATER if m != "pytz"]  # pytz is optional
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            not all(m in sys.modules for m in wanted) or window.tasks.running("keyring-check")
        ):
            await asyncio.sleep(0.05)
        after = sorted(m for m in LATER if m in sys.modules)
        backend = services.secrets.backend_name
    result = {"painted": painted, "at_paint": at_paint, "after": after, "backend": backend}
    print(json.dumps(result))

qapp = app.make_application([])
qapp.setQuitOnLastWindowClosed(False)
with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
    runner.run(main())
"""


def test_window_paints_before_the_driver_and_keyring_load_and_they_load_right_after(
    tmp_path: Path,
) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        NEOSENSE_CONFIG_DIR=str(tmp_path / "c"),
        NEOSENSE_DATA_DIR=str(tmp_path / "d"),
        NEOSENSE_LOG_DIR=str(tmp_path / "l"),
    )
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "settings.ini")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["painted"] is True
    assert result["at_paint"] == [], "imported before the first paint: " + str(result["at_paint"])
    assert {"neo4j", "keyring", *(m for m in preload.MODULES if m != "pytz")} <= set(
        result["after"]
    )
    assert result["backend"].startswith("keyring.backends.")
