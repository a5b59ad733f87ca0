"""Cold start: the window paints before the neo4j driver, keyring, pydantic and the report
and profile models load, and they load right after, before a person can press Test
connection (issue 16: the driver's import doubled the time to a painted window, keyring's
choice of backend took a sixth of it, pydantic and the models a fifth of what was left).
In a fresh interpreter: in this one they are long loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.profiles import Profile, ProfileStore
from neosense_desktop.ui import preload

# What start() loads (the profiles, the saved runs) right after the first paint.
MODELS = (
    "neosense_desktop.core.connection",
    "neosense_desktop.core.extraction.options",
    "neosense_desktop.core.profile_models",
    "neosense_desktop.core.report",
    "pydantic",
)

CHILD = r"""
import asyncio, json, sys, time
from PySide6.QtCore import QSettings
import qasync
from neosense_desktop import app
from neosense_desktop.ui import preload

LATER = ("neo4j", "keyring", *preload.MODULES)
MODELS = json.loads(sys.argv[2])
seen = {}

def on_painted(window):
    seen["painted"] = window.isVisible()
    seen["at_paint"] = sorted(m for m in (*LATER, *MODELS) if m in sys.modules)

async def main():
    settings = QSettings(sys.argv[1], QSettings.Format.IniFormat)
    services = app.build_services(settings)  # the real keyring, as the app
    before_window = sorted(m for m in (*LATER, *MODELS) if m in sys.modules)
    async with app.open_window(services, on_painted=on_painted) as window:
        painted = seen["painted"]
        at_paint = seen["at_paint"]
        profiles_shown = window.profiles.profile_list.count()
        wanted = [m for m in LATER if m != "pytz"]  # pytz is optional
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            not all(m in sys.modules for m in wanted) or window.tasks.running("keyring-check")
        ):
            await asyncio.sleep(0.05)
        after = sorted(m for m in LATER if m in sys.modules)
        backend = services.secrets.backend_name
    models_after = sorted(m for m in MODELS if m in sys.modules)
    result = {
        "before_window": before_window, "painted": painted, "at_paint": at_paint,
        "after": after, "backend": backend, "models_after": models_after,
        "profiles_shown": profiles_shown,
    }
    print(json.dumps(result))

qapp = app.make_application([])
qapp.setQuitOnLastWindowClosed(False)
with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
    runner.run(main())
"""


def test_window_paints_before_the_driver_keyring_and_models_load_and_they_load_right_after(
    tmp_path: Path,
) -> None:
    # A saved connection, so that start() reads the profiles file through the models.
    ProfileStore(tmp_path / "c" / "profiles.json", env={}).add(
        Profile(
            name="Saved <b>one</b>", connection=ConnectionSettings(uri="bolt://h:7687", user="u")
        )
    )
    env = dict(
        {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
        QT_QPA_PLATFORM="offscreen",
        NEOSENSE_CONFIG_DIR=str(tmp_path / "c"),
        NEOSENSE_DATA_DIR=str(tmp_path / "d"),
        NEOSENSE_LOG_DIR=str(tmp_path / "l"),
    )
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "settings.ini"), json.dumps(MODELS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["before_window"] == [], "imported by build_services: " + str(
        result["before_window"]
    )
    assert result["painted"] is True
    assert result["at_paint"] == [], "imported before the first paint: " + str(result["at_paint"])
    # start() then read the profiles file with the models, and the list shows it.
    assert result["models_after"] == sorted(MODELS)
    assert result["profiles_shown"] == 1
    assert {"neo4j", "keyring", *(m for m in preload.MODULES if m != "pytz")} <= set(
        result["after"]
    )
    assert result["backend"].startswith("keyring.backends.")
