"""Hostile report files are refused on their bytes, before json.loads builds anything;
the largest real report still opens. (Time and memory: benchmarks/report_refusal.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from neosense_desktop.core import report_limits
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.export import load_report, report_to_json, save_report
from neosense_desktop.core.report_limits import DEFAULT_LIMITS, check_report_bytes
from tests.ui.report_factory import make_report

CAP = DEFAULT_LIMITS.max_bytes
ENVELOPE = b'{"schema_version": "1.0", "x": '


def _fill(unit: bytes, size: int = CAP - 64) -> bytes:
    """A JSON document of about `size` bytes: a report envelope around repeated units."""
    count = (size - len(ENVELOPE) - 2) // len(unit)
    return ENVELOPE + b"[" + unit * count + b"0]}"


CRAFTED: dict[str, tuple[Callable[[], bytes], str]] = {
    "empty lists": (lambda: _fill(b"[],"), "containers"),
    "empty objects": (lambda: _fill(b"{},"), "containers"),
    "numbers": (lambda: _fill(b"1,"), "values"),
    "short strings": (lambda: _fill(b'"",'), "values"),
    "one long string": (lambda: ENVELOPE + b'"' + b"a" * (CAP - 64) + b'"}', "string"),
    "escaped long string": (lambda: ENVELOPE + b'"' + b'\\"' * (CAP // 3) + b'"}', "string"),
    "deep nesting": (lambda: ENVELOPE + b"[" * 40 + b" " * (CAP - 200) + b"]" * 40 + b"}", "depth"),
    "unclosed nesting": (lambda: ENVELOPE + b"[" * 900_000 + b" " * (CAP - 10**6) + b"}", "depth"),
    "closers": (lambda: ENVELOPE + b"]" * (CAP - 64) + b"}", "containers"),
}


@pytest.mark.parametrize("shape", sorted(CRAFTED))
def test_crafted_file_is_refused_before_parsing(
    shape: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, limit = CRAFTED[shape]
    path = tmp_path / "crafted.json"
    path.write_bytes(make())
    assert path.stat().st_size <= CAP

    def no_parsing(*_a: object, **_k: object) -> None:
        raise AssertionError("json.loads ran on a file that breaks a limit")

    monkeypatch.setattr(report_limits.json, "loads", no_parsing)
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.code is ErrorCode.FILE_CORRUPT
    assert info.value.context["limit"] == limit
    assert str(path) in info.value.message and "was not opened" in info.value.message


def test_file_over_the_byte_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "wb") as handle:  # sparse: no disk used
        handle.truncate(CAP + 1)
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.context["limit"] == "bytes"


def test_the_largest_real_report_fits_every_limit(tmp_path: Path) -> None:
    """2,000 labels x 50 properties (the UI benchmark's report) opens; its size is well
    under the cap."""
    report = make_report(labels=2000, properties=50, types=40)
    raw = report_to_json(report).encode("utf-8")
    assert 20 * 2**20 < len(raw) < CAP / 2
    check_report_bytes(raw, "largest")  # raises if any limit is too tight


def test_limits_hold_at_slice_boundaries(tmp_path: Path) -> None:
    """Strings cut by the 1 MiB slices are paired correctly: a report whose strings
    straddle every boundary (escapes included) opens and round-trips."""
    report = make_report(labels=40, properties=3)
    for i, label in enumerate(report.labels):
        label.name = f'L{i} "quoted" \\ {{[' + "é" * 30_000  # ~60 kB: straddles slices
    path = save_report(report, tmp_path / "r.json")
    assert path.stat().st_size > 2 * 2**20
    assert load_report(path) == report


def test_each_limit_can_be_set(tmp_path: Path) -> None:
    raw = report_to_json(make_report()).encode()
    for field, value in (
        ("max_depth", 3),
        ("max_values", 10),
        ("max_containers", 5),
        ("max_string_bytes", 8),
        ("max_bytes", 100),
    ):
        limits = report_limits.ReportLimits(**{field: value})
        with pytest.raises(NeoSenseError):
            check_report_bytes(raw, "r", limits)
