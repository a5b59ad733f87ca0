"""`NeoSense --self-test`: prove an installed (frozen) app works end to end, then exit.

It opens the real main window offscreen, connects with NEO4J_URI / NEO4J_USERNAME /
NEO4J_PASSWORD (and NEO4J_DATABASE), runs a full extraction, exports the report and checks
the file against the shipped JSON Schema. It also names the keyring backend and, when a
real keyring is available, stores, reads and deletes a throw-away secret: frozen apps lose
keyring's backends unless the bundle collects them.

Everything it writes goes to a temporary folder, never to the user's profiles or runs.
Exit code 0 when every step passed, 1 otherwise; one line per step on stdout.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from ..core.secrets import SecretStore

REQUIRED_ENV = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD")


def _say(step: str, ok: bool, detail: str = "") -> None:
    print(
        f"self-test: {step}: {'ok' if ok else 'FAILED'}{' - ' + detail if detail else ''}",
        flush=True,
    )


def run_self_test() -> int:
    missing = [v for v in REQUIRED_ENV if not os.environ.get(v)]
    if missing:
        _say("environment", False, f"set {', '.join(missing)} to point at a Neo4j server")
        return 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="neosense-self-test-"))
    for var, sub in (
        ("NEOSENSE_CONFIG_DIR", "config"),
        ("NEOSENSE_DATA_DIR", "data"),
        ("NEOSENSE_LOG_DIR", "logs"),
    ):
        os.environ[var] = str(scratch / sub)
    try:
        return _run(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run(scratch: Path) -> int:
    import logging

    import PySide6  # noqa: F401  (before qasync, which binds to the first Qt it finds)
    import qasync
    from PySide6.QtCore import QSettings

    from ..app import make_application
    from ..core.logging_setup import configure_logging

    configure_logging(logging.WARNING)
    app = make_application([])
    app.setQuitOnLastWindowClosed(False)
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(_steps(scratch, settings))


def _driver_codec() -> str:
    """'rust' when the driver's compiled packstream codec (neo4j-rust-ext) is present: a
    bundle that lost it still works, only slower, so check-bundle looks for it."""
    try:
        importlib.import_module("neo4j._rust")
    except ImportError:
        return "python"
    return "rust"


def _unicode_services() -> tuple[bool, str]:
    """What QtCore asks ICU for, on data the bundle slims (scripts/icu_slim.py): a locale's
    collation, its case mapping and a time zone's name. Each result below differs when ICU
    has no data for it (code-point order, plain "I", an offset such as "GMT+01:00")."""
    from PySide6.QtCore import QCollator, QLocale, QTimeZone

    words = ["zebra", "Öl", "ähnlich", "Apfel", "ol"]
    collated = sorted(words, key=QCollator(QLocale("de_DE")).sortKey)
    swedish = sorted(["ö", "z", "o"], key=QCollator(QLocale("sv_SE")).sortKey)
    upper = QLocale("tr_TR").toUpper("istanbul")
    zone = QTimeZone(b"Europe/Berlin").displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("en_US")
    )
    checks = {
        "collation": collated == ["ähnlich", "Apfel", "ol", "Öl", "zebra"]
        and swedish == ["o", "z", "ö"],
        "case mapping": upper == "\u0130STANBUL",
        "time zone names": zone == "Central European Standard Time",
    }
    failed = [name for name, ok in checks.items() if not ok]
    detail = (
        ", ".join(checks)
        if not failed
        else f"wrong {', '.join(failed)}: {collated}, {upper}, {zone}"
    )
    return not failed, detail


async def _keyring_round_trip(secrets: SecretStore) -> bool:
    probe_id = f"self-test-{uuid.uuid4().hex}"
    try:
        await secrets.aset_password(probe_id, "self-test-secret")
        ok = await secrets.aget_password(probe_id) == "self-test-secret"
        await secrets.adelete_password(probe_id)
        ok = ok and await secrets.aget_password(probe_id) is None
    except Exception as exc:  # report and go on: the other steps still tell something
        _say("keyring round trip", False, str(exc))
        return False
    _say("keyring round trip", ok)
    return ok


async def _steps(scratch: Path, settings: QSettings) -> int:
    """The app's own composition (app.build_services, app.open_window), on scratch folders."""
    from ..app import build_services, open_window
    from ..core.profiles import ENVIRONMENT_PROFILE_ID
    from ..core.resources import report_schema_path

    failures = 0
    t0 = time.monotonic()
    services = build_services(settings)
    _say("driver codec", True, _driver_codec())
    unicode_ok, unicode_detail = _unicode_services()
    _say("unicode (ICU)", unicode_ok, unicode_detail)
    failures += not unicode_ok
    _say("keyring backend", True, services.secrets.backend_name)
    if services.secrets.available:
        failures += not await _keyring_round_trip(services.secrets)
    async with open_window(services) as window:
        _say("main window", window.isVisible(), f"{time.monotonic() - t0:.2f} s")
        window.profiles.select_profile(ENVIRONMENT_PROFILE_ID)
        profile = window.profiles.current_profile()
        if profile is None or profile.id != ENVIRONMENT_PROFILE_ID:
            _say("environment profile", False, "NEO4J_* did not yield a profile")
            return 1
        probe = await window.profiles.test_connection()
        _say("connect", probe is not None, window.profiles.probe_label.text().replace("\n", "; "))
        if probe is None:
            return 1
        scheme = os.environ["NEO4J_URI"].split("://", 1)[0]
        _say("server", True, f"Neo4j {probe.version}, {probe.default_language}, {scheme}://")
        report = await window.runs.run_extraction()
        if report is None:
            _say("extraction", False, "no report")
            return 1
        bad = {
            n: a.status.value for n, a in report.activities.items() if a.status.value != "succeeded"
        }
        _say(
            "extraction",
            not bad,
            f"{len(report.labels)} labels, {len(report.relationship_types)} types, "
            f"{report.run.duration_s or 0:.2f} s" + (f"; not succeeded: {bad}" if bad else ""),
        )
        failures += bool(bad)
        out = await window.files.export_report(scratch / "self-test-report.json")
        failures += not _check_schema(out, report_schema_path())
    _say("done", failures == 0, f"{time.monotonic() - t0:.2f} s")
    return 0 if failures == 0 else 1


def _check_schema(report_path: Path, schema_path: Path) -> bool:
    import jsonschema

    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        document = json.loads(report_path.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(document)
    except (OSError, ValueError, jsonschema.ValidationError, jsonschema.SchemaError) as exc:
        _say("report matches schema", False, f"{type(exc).__name__}: {exc}"[:500])
        return False
    _say(
        "report matches schema",
        True,
        f"{report_path.stat().st_size:,} bytes, schema {schema_path.name}",
    )
    return True


if __name__ == "__main__":
    sys.exit(run_self_test())
