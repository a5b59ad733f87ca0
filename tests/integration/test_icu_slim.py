"""scripts/icu_slim.py, which build.spec uses to shrink PySide6's libicudata (31 -> 11 MB):
the package keeps every item Qt's ICU services read, byte for byte, and Qt still collates,
maps case and names time zones on it; on an empty package the same check fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import icu_slim
import PySide6

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="only Linux wheels ship their own ICU"
)

QT_LIB = Path(PySide6.__file__).parent / "Qt" / "lib"

CHECK = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from neosense_desktop.ui.self_test import _unicode_services
ok, detail = _unicode_services()
print(ok, detail)
"""


def _library() -> Path:
    found = sorted(QT_LIB.glob("libicudata.so.*"))
    assert found, f"no libicudata in {QT_LIB}"
    return found[0]


def _unicode_check(library_dir: Path) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LD_LIBRARY_PATH=str(library_dir))
    out = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip()


def test_slim_package_keeps_what_qt_reads_byte_for_byte() -> None:
    _symbol, package = icu_slim.read_package(_library())
    _header, items = icu_slim._items(package)
    _header, kept = icu_slim._items(icu_slim.slim_package(package))
    names = [n for n, _ in kept]
    assert names == sorted(names, key=str.encode)  # ICU looks items up by binary search
    original = dict(items)
    assert {n for n in original if icu_slim.wanted(n)} == set(names)
    for name, data in kept:  # items keep their bytes (and ICU's 16-byte padding)
        assert data.rstrip(b"\0") == original[name].rstrip(b"\0"), name
    assert any(n.endswith("/coll/de.res") for n in names)
    assert any(n.endswith("/zoneinfo64.res") for n in names)
    assert not any("/brkitr/" in n or n.endswith(".cnv") for n in names)
    assert sum(len(d) for _, d in kept) < sum(len(d) for _, d in items) / 2


def test_qt_collates_maps_case_and_names_zones_on_the_slim_library(tmp_path: Path) -> None:
    slim = icu_slim.slim_library(_library(), tmp_path / "slim")
    assert slim.stat().st_size < _library().stat().st_size / 2
    assert _unicode_check(slim.parent).startswith("True collation, case mapping")


def test_the_same_check_fails_without_icu_data(tmp_path: Path) -> None:
    library = _library()
    symbol, package = icu_slim.read_package(library)
    header, _items = icu_slim._items(package)
    empty = header + (0).to_bytes(4, "little")  # the package with no items at all
    (tmp_path / "empty").mkdir()
    icu_slim.build_library(empty, symbol, library.name, tmp_path / "empty" / library.name)
    assert _unicode_check(tmp_path / "empty").startswith("False wrong collation")
