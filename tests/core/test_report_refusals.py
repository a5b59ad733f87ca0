"""Report files that are not reports get a typed refusal: one line saying why, exit 2, no
traceback, in `export` (every format) and `diff`. A path that is not a regular file is
refused before it is opened. Names from a report reach the terminal escaped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from neosense_desktop.core import cli, cli_command
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.export import load_report, report_to_json, save_report
from neosense_desktop.core.formats import FORMATS
from tests.ui.report_factory import make_report

FIXTURE = Path(__file__).parent.parent / "fixtures" / "report-1.0.json"
OSC52 = "\x1b]52;c;cHduZWQ=\x07"


def _edited(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# name -> (how the fixture is changed, what the one line says)
BAD: dict[str, tuple[tuple[str, str], str]] = {
    "5,000-digit integer": (
        ('"sample_size": 1000', '"sample_size": ' + "9" * 5000),
        "5,000 digits",
    ),
    "integer past int64": (('"sample_size": 1000', '"sample_size": 9223372036854775808'), "digits"),
    "lone surrogate": (('"name": "', '"name": "\\ud800'), "lone UTF-16 surrogate"),
    "NaN count": (('"sample_size": 1000', '"sample_size": NaN'), "NaN"),
    "Infinity count": (('"sample_size": 1000', '"sample_size": -Infinity'), "-Infinity"),
    "1e999 float": (('"duration_s": 0.5', '"duration_s": 1e999'), "1e999"),
    # Keys and versions from the file, shown escaped: the one line stays one line.
    "key with line breaks": (
        ('"quality_and_context": {', '"a\\nb\\u001b]52;c;x\\u0007": 1, "x": {'),
        "is damaged: activities.a\\x0ab\\x1b]52;c;x\\x07: Input should be",
    ),
    "version with a line break": (
        ('"schema_version": "1.0"', '"schema_version": "2.0\\nfake line"'),
        "uses report format 2.0\\x0afake line;",
    ),
}


@pytest.fixture(params=sorted(BAD))
def bad_report(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    (old, new), why = BAD[request.param]
    path = tmp_path / "bad.json"
    path.write_text(_edited(FIXTURE.read_text(encoding="utf-8"), old, new), encoding="utf-8")
    return path, why


def test_load_report_refuses_with_a_typed_error(bad_report: tuple[Path, str]) -> None:
    path, why = bad_report
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.code in (ErrorCode.FILE_CORRUPT, ErrorCode.REPORT_INCOMPATIBLE)
    assert why in info.value.message and "\n" not in info.value.message


@pytest.mark.parametrize("command", [*(["export", f] for f in FORMATS), ["diff"]])
def test_cli_refuses_with_one_line_and_exit_2(
    bad_report: tuple[Path, str],
    command: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, why = bad_report
    if command[0] == "export":
        argv = ["export", str(path), "--format", command[1], "-o", str(tmp_path / "out")]
    else:
        argv = ["diff", str(FIXTURE), str(path)]
    assert cli.main(argv) == cli_command.EXIT_BAD_INPUT
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert first.startswith(("error [file_corrupt]: ", "error [report_incompatible]: ")), err
    assert why in first, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def _cli_subprocess(args: list[str]) -> subprocess.CompletedProcess[str]:
    # A subprocess: before the fix, a FIFO blocked open() forever (the timeout fails it).
    return subprocess.run(
        [sys.executable, "-m", "neosense_desktop", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    for args in (["export", str(fifo)], ["diff", str(fifo), str(FIXTURE)]):
        done = _cli_subprocess(args)
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines()[0] == (
            f"error [file_read_failed]: {fifo} was not opened: it is a pipe (FIFO), not a "
            "report file."
        )


@pytest.mark.parametrize(("path", "kind"), [("/dev/zero", "a device"), (".", "a folder")])
def test_a_device_or_folder_is_refused(path: str, kind: str) -> None:
    if not Path(path).exists():
        pytest.skip(f"no {path} here")  # /dev/zero: POSIX only
    with pytest.raises(NeoSenseError) as info:
        load_report(path)
    assert info.value.code is ErrorCode.FILE_READ_FAILED
    assert f"it is {kind}, not a report file" in info.value.message


def test_diff_shows_names_from_a_report_escaped(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    before = make_report(labels=1)
    after = make_report(labels=1)
    after.labels[0].name = f"Evil{OSC52}\nfake line\u202e"
    a = save_report(before, tmp_path / "a.json")
    b = save_report(after, tmp_path / "b.json")
    for extra in ([], ["--json"]):
        assert cli.main(["diff", str(a), str(b), *extra]) == cli_command.EXIT_DIFFERENT
        out = capsysbinary.readouterr().out
        assert b"\x1b" not in out and b"\x07" not in out and "\u202e".encode() not in out
        if extra:
            changes = json.loads(out)  # still JSON, holding the very same name
            assert any(after.labels[0].name in c["path"] for c in changes)
        else:
            # The summary, one line removed, one added: the name's line break forged none.
            assert len(out.splitlines()) == 3 and b"Evil" in out and b"fake line" in out
            assert not any(line.startswith(b"fake line") for line in out.splitlines())


def test_a_report_never_saves_what_it_would_refuse(tmp_path: Path) -> None:
    report = make_report(labels=1)
    report.statistics.degree.max = float("inf")  # a mean or bound that overflowed
    path = save_report(report, tmp_path / "r.json")
    assert "Infinity" not in path.read_text(encoding="utf-8")
    assert load_report(path).statistics.degree.max is None
    assert "NaN" not in report_to_json(report)
