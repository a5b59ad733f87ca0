"""Mutated report files, and what NeoSense may do with one: refuse it in one typed line, or
give a correct output, in bounded time. Shared by tests/core/test_fuzz_reports.py (Hypothesis
drives the choices) and the window's fuzz test (a seeded random drives them).

A mutation starts from a real report (tests/fixtures, and one the test factory builds),
then changes 1 to 4 things in its JSON tree (a value becomes a hostile string, a boundary
number, another type; a key or item goes; an unknown key comes) and sometimes its bytes
(cut, flipped, inserted). Every choice goes through `choose(n) -> 0..n-1`, so Hypothesis can
shrink a failure to the few choices that matter.
"""

from __future__ import annotations

import copy
import json
import math
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neosense_desktop.core import cli, cli_command
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.export import load_report, report_to_json
from neosense_desktop.core.formats import FORMATS, SUFFIXES
from neosense_desktop.core.terminal_text import printable
from tests.ui.report_factory import make_report

Choose = Callable[[int], int]
FIXTURES = Path(__file__).parent / "fixtures"
# Seconds any one command may take on a mutated seed (the largest seed is ~100 KiB; real
# commands take well under a second): past this, a mutation made NeoSense slow.
CASE_LIMIT_S = 20.0
# What diff compares each mutated file with: the small fixture, so that diff's cost is the
# mutated file's (the large seed is mutated too, and met on the other side).
BASELINE = FIXTURES / "report-1.0.json"
_BIG = "@@BIG-INTEGER@@"  # json.dumps cannot write an int past 4,300 digits: spliced in later

HOSTILE_STRINGS = [
    "",
    " ",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b[2J\x9b31m",
    "\u202egnp.exe",
    "\ud800",
    "a\udfffb",
    "\x00",
    "a;MATCH (n) DETACH DELETE n;//",
    "INTEGER;\nMATCH (n) DETACH DELETE n;\n//",
    "STRING NOT NULL",
    "LIST<INTEGER NOT NULL>",
    "<script>alert(1)</script>",
    "</svg><img src=x onerror=alert(1)>",
    "`",
    "\\",
    "\r\n# fake heading\n",
    "|",
    "日本語 Ünïcødé 🙂",
    "x" * 3000,
    "../../x",
    "%s%n{0}{{}}",
    "1.3",
    "2.0",
    "0.9",
    "2026-01-02T03:04:05Z",
    "not a date",
    "count_store",
    "sample",
    "scan",
    "succeeded",
    "failed",
    "exact",
    "sampled",
    "auto",
    "label",
    "error",
    "warning",
    "NODE",
    "RANGE",
    "VECTOR",
    "UNIQUENESS",
]
HOSTILE_NUMBERS: list[Any] = [
    0,
    -1,
    1,
    2,
    100,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**40,
    _BIG,
    0.0,
    -0.0,
    0.5,
    1.5,
    -2.5,
    1e-320,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    float("-inf"),
]
HOSTILE_VALUES: list[Any] = [
    *HOSTILE_STRINGS,
    *HOSTILE_NUMBERS,
    None,
    True,
    False,
    [],
    {},
    [[]],
    [None],
    ["STRING", "INTEGER"],
    {"a": {"b": [1, "x"]}},
    {"method": "sample", "sample_size": -5},
]


# Texts whose values are a closed set or a date: a hostile one is simply refused, so the
# fuzzer spends most of its cases on the texts that pass validation and reach the exports.
CONSTRAINED_KEYS = frozenset(
    {
        "schema_version",
        "status",
        "method",
        "mode",
        "severity",
        "kind",
        "purpose",
        "values",
        "values_policy",
        "started_at",
        "finished_at",
        "distinct_provenance",
        "concurrent_queries_requested",
    }
)


def seed_texts() -> dict[str, str]:
    """The reports mutations start from: real files, and the factory's report."""
    seeds = {p.name: p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("report-*.json"))}
    seeds["factory"] = report_to_json(make_report(labels=4, properties=4, types=3))
    return seeds


def _slots(value: Any, slots: list[tuple[Any, Any]]) -> None:
    """Every (container, key) in a JSON tree, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            slots.append((value, key))
            _slots(value[key], slots)
    elif isinstance(value, list):
        for index in range(len(value)):
            slots.append((value, index))
            _slots(value[index], slots)


def _pick(choose: Choose, options: list[Any]) -> Any:
    # A copy: a later mutation must never change the shared lists of values (Hypothesis
    # found that, as data drawn differently when a case was replayed).
    return copy.deepcopy(options[choose(len(options))])


def _new_value(choose: Choose, old: Any) -> Any:
    # Choice 0 (where Hypothesis starts and shrinks to) keeps the report valid most often.
    kind = choose(5)
    if kind == 0 and isinstance(old, str):
        return old + _pick(choose, HOSTILE_STRINGS)  # a real name, made hostile
    if kind == 0 and isinstance(old, int | float) and not isinstance(old, bool):
        return _pick(choose, HOSTILE_NUMBERS)
    if kind == 1:
        return _pick(choose, HOSTILE_STRINGS)
    if kind == 2:
        return _pick(choose, HOSTILE_VALUES)
    if kind == 3:
        return [old] if choose(2) else {"value": old}  # the same value, another shape
    return str(old) if not isinstance(old, str) else _pick(choose, HOSTILE_NUMBERS)


def mutate_tree(data: Any, choose: Choose) -> None:
    """Change one place of the tree, in place: two times in three a free text (a name,
    a type, a message: what a graph or a hand edit can hold), else any place."""
    slots: list[tuple[Any, Any]] = []
    _slots(data, slots)
    texts = [(c, k) for c, k in slots if isinstance(c[k], str) and k not in CONSTRAINED_KEYS]
    pool = texts if texts and choose(3) < 2 else slots
    if not pool:
        return
    container, key = pool[choose(len(pool))]
    operation = choose(6)
    if operation < 3:
        container[key] = _new_value(choose, container[key])
    elif operation == 3 and isinstance(container, dict):
        del container[key]
    elif operation == 3:
        container.pop(key)
    elif operation == 4 and isinstance(container, list):
        container.insert(key, json.loads(json.dumps(container[key])))  # a duplicate
    elif isinstance(container, list):
        container.append(_pick(choose, HOSTILE_VALUES))
    else:  # an unknown key: a newer minor version's field, or a hand edit
        container[_pick(choose, HOSTILE_STRINGS)] = _pick(choose, HOSTILE_VALUES)


def _serialise(data: Any, choose: Choose) -> bytes:
    text = json.dumps(data, ensure_ascii=bool(choose(2)), indent=choose(3) or None)
    text = text.replace(json.dumps(_BIG), "9" * 5000)
    return text.encode("utf-8", "surrogatepass" if choose(2) else "backslashreplace")


def mutate_bytes(raw: bytes, choose: Choose) -> bytes:
    """A cut, a flipped byte, or bytes put in: what damage and hand edits do."""
    where = choose(len(raw) + 1)
    operation = choose(4)
    if operation == 0:
        return raw[:where]
    if operation == 1 and where < len(raw):
        return raw[:where] + bytes([raw[where] ^ (1 << choose(8))]) + raw[where + 1 :]
    if operation == 2:
        insert = _pick(choose, [b"\xef\xbb\xbf", b"\xff", b"\x00", b"{", b"]", b",", b'"', b"\\"])
        return raw[:where] + insert + raw[where:]
    return raw


def mutated_report(choose: Choose) -> tuple[str, bytes]:
    """(the seed's name, the bytes of a mutated copy)."""
    seeds = seed_texts()
    name = sorted(seeds)[choose(len(seeds))]
    data = json.loads(seeds[name])
    for _ in range(1 + choose(4)):
        mutate_tree(data, choose)
    raw = _serialise(data, choose)
    if choose(5) == 0:
        raw = mutate_bytes(raw, choose)
    return name, raw


@dataclass
class Outcome:
    """What one mutated file met: refused (with the one line why) or accepted."""

    refused: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def _timed(outcome: Outcome, what: str, call: Callable[[], Any]) -> Any:
    started = time.monotonic()
    try:
        return call()
    finally:
        elapsed = time.monotonic() - started
        outcome.seconds[what] = elapsed
        assert elapsed < CASE_LIMIT_S, f"{what} took {elapsed:.1f} s"


def check_loading(path: Path) -> tuple[Any, str | None]:
    """load_report (what the window's Open, drops and the CLI use): a Report, or the
    typed refusal's message. Anything else raised is a crash and fails the caller."""
    try:
        return load_report(path), None
    except NeoSenseError as exc:
        assert exc.code in (ErrorCode.FILE_CORRUPT, ErrorCode.REPORT_INCOMPATIBLE), exc
        assert exc.message and "\n" not in exc.message, exc.message
        return None, exc.message


def _assert_refusal_line(err: str) -> None:
    lines = err.splitlines()
    assert lines and lines[0].startswith(("error [file_corrupt]: ", "error [report_incompat")), err
    assert "Traceback" not in err
    assert printable(err, keep_newlines=True) == err, err  # nothing a terminal acts on


def check_case(
    path: Path, baseline: Path, work: Path, read_streams: Callable[[], tuple[str, str]]
) -> Outcome:
    """Feed the file at path to load_report, `export` in every format and `diff` (against
    baseline); assert each outcome is a typed refusal or a correct output, in bounded time.

    A file load_report refuses is refused by the CLI before any format is chosen (the
    formats never see it), so it goes to one format and one diff, taken in turn from the
    file's bytes; a file it accepts goes to all five formats and both diffs.

    read_streams returns (and clears) what the CLI printed, e.g. capsys.readouterr()."""
    outcome = Outcome()
    report, refusal = _timed(outcome, "load", lambda: check_loading(path))
    outcome.refused = refusal
    turn = zlib.crc32(path.read_bytes())
    formats = FORMATS if refusal is None else (FORMATS[turn % len(FORMATS)],)
    diffs = [[], ["--json"]] if refusal is None else [[[], ["--json"]][turn % 2]]
    for fmt in formats:
        target = work / f"out{SUFFIXES[fmt]}"
        target.unlink(missing_ok=True)
        argv = ["export", str(path), "--format", fmt, "--output", str(target)]
        code = _timed(outcome, f"export {fmt}", lambda argv=argv: cli.main(argv))
        _, err = read_streams()
        if refusal is not None:
            assert code == cli_command.EXIT_BAD_INPUT, (fmt, code, err)
            _assert_refusal_line(err)
            assert not target.exists()
            continue
        assert code == cli_command.EXIT_OK, (fmt, err)
        written = target.read_bytes().decode("utf-8")  # strict: a lone surrogate fails here
        assert written.strip(), fmt
        if fmt == "json":  # the JSON export is the report again, exactly
            assert load_report(target) == report
    for extra in diffs:
        argv = ["diff", str(baseline), str(path), *extra]
        code = _timed(outcome, f"diff {extra}", lambda argv=argv: cli.main(argv))
        out, err = read_streams()
        if refusal is not None:
            assert code == cli_command.EXIT_BAD_INPUT, (code, err)
            _assert_refusal_line(err)
            continue
        assert code in (cli_command.EXIT_OK, cli_command.EXIT_DIFFERENT), err
        assert printable(out, keep_newlines=True) == out, out[:400]
        if extra:
            changes = json.loads(out)
            assert isinstance(changes, list) and (code == cli_command.EXIT_OK) == (changes == [])
            assert all(math.isfinite(v) for c in changes for v in _numbers(c))
    return outcome


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []
