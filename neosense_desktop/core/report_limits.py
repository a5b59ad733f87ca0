"""Bounded reading of report files: refuse a hostile file before it costs memory or time.

A report can come from anyone (mailed, downloaded), and json.loads turns a few bytes into
large objects: `[[],[],...]` makes a 56-byte list of every 3 bytes, so a 40 MiB file cost
~1 GiB before it was refused. So a file is checked first, on its bytes and in 1 MiB slices,
without building any object: its size, how deeply it nests, how long its strings are and how
many values and containers it holds. Only a file within every limit is decoded and parsed.

The limits fit the largest report NeoSense makes with room to spare. Measured
(benchmarks/report_refusal.py): a 2,000-label x 50-property report is 26.4 MiB with ~1.0
million values; the same graph with two quality findings per property, a plan item and a
label combination per label (the worst real case) is 66.7 MiB, ~2.0 million values,
~512,000 containers, nesting depth 6, longest string < 200 bytes. Schema 1.1 adds property
profiles and richer findings, bounded by report.MAX_PROFILES and report.MAX_FINDINGS: the
same graph with 10,000 full profiles and 5,000 findings with every field filled is 63.8 MiB,
~2.15 million values, ~581,000 containers (tests/core/test_report_model.py).
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ErrorCode, NeoSenseError

# A JSON string as written (escapes included), captured so re.split keeps it. The closing
# quote is optional so that a string cut by the end of a slice is consumed in one match:
# with it required, the regex would retry from every escaped quote inside (quadratic).
_STRING = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*"?)')
_ALL_BUT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# An empty container: each pass removes every innermost one, so passes = nesting depth.
_INNERMOST = re.compile(rb"\[\]|\{\}")
_SLICE = 1 << 20


@dataclass(frozen=True)
class ReportLimits:
    """What a report file may hold. Defaults fit the worst real report (see above)."""

    max_bytes: int = 96 * 2**20
    max_depth: int = 32
    max_string_bytes: int = 64 * 1024
    max_values: int = 3_000_000
    max_containers: int = 1_000_000


DEFAULT_LIMITS = ReportLimits()


NOT_A_REPORT = "Open a report saved by NeoSense (a .json file)."
RESTORE_IT = "Restore the file from a backup, or run the extraction again."


def unreadable_report(source: str, what: str, suggestion: str) -> NeoSenseError:
    """FILE_CORRUPT for a report file that was read but is not a report: "{source} {what}."."""
    return NeoSenseError(
        ErrorCode.FILE_CORRUPT,
        f"{source} {what}.",
        suggestions=[suggestion],
        context={"path": source},
    )


def _refuse(source: str, why: str, **context: Any) -> NeoSenseError:
    return NeoSenseError(
        ErrorCode.FILE_CORRUPT,
        f"{source} was not opened: {why}, far beyond any NeoSense report.",
        suggestions=[
            "Check that this is the report you meant to open.",
            "A report from another tool, or a damaged or hostile file, is refused before it "
            "is read into memory.",
        ],
        context={"path": source, **context},
    )


class _Scanner:
    """Counts a JSON text's structure slice by slice; raises as soon as a limit is passed."""

    def __init__(self, source: str, limits: ReportLimits) -> None:
        self.source = source
        self.limits = limits
        self.carry = b""  # an unfinished string at the end of the last slice
        self.values = 0
        self.opens = 0
        self.closes = 0
        self.brackets: list[bytes] = []

    def feed(self, piece: bytes, final: bool) -> None:
        limits = self.limits
        parts = _STRING.split(self.carry + piece)
        strings = parts[1::2]
        if strings and max(map(len, strings)) > limits.max_string_bytes + 2:
            raise self._long_string()
        self.carry = b""
        if len(parts) > 1 and not parts[-1] and not final:
            # The slice ends in (or right after) a string: it may go on in the next slice,
            # so scan it again from its opening quote then. Each slice thus starts outside
            # a string, and the regex pairs quotes correctly.
            self.carry = parts[-2]
            del parts[-2:]
        structure = b"".join(parts[0::2])
        opens = structure.count(b"[") + structure.count(b"{")
        self.opens += opens
        self.closes += structure.count(b"]") + structure.count(b"}")
        self.values += opens + structure.count(b",")
        if max(self.opens, self.closes) > limits.max_containers:
            raise _refuse(
                self.source,
                f"it holds more than {limits.max_containers:,} lists and objects",
                limit="containers",
            )
        if self.values > limits.max_values:
            raise _refuse(
                self.source,
                f"it holds more than {limits.max_values:,} values",
                limit="values",
            )
        self.brackets.append(structure.translate(None, _ALL_BUT_BRACKETS))

    def _long_string(self) -> NeoSenseError:
        return _refuse(
            self.source,
            f"it holds a text longer than {self.limits.max_string_bytes // 1024} KiB",
            limit="string",
        )

    def check_depth(self) -> None:
        brackets = b"".join(self.brackets)
        depth = 0
        while brackets:
            fewer = _INNERMOST.sub(b"", brackets)
            if fewer == brackets:
                # Unbalanced: what is left is unmatched, so its openers nest in each other.
                if brackets.count(b"[") + brackets.count(b"{") <= self.limits.max_depth:
                    return  # json.loads says where the JSON is broken
                depth = self.limits.max_depth
            depth += 1
            if depth > self.limits.max_depth:
                raise _refuse(
                    self.source,
                    f"it nests lists and objects more than {self.limits.max_depth} deep",
                    limit="depth",
                )
            brackets = fewer


def check_report_bytes(
    raw: bytes, source: str = "report", limits: ReportLimits = DEFAULT_LIMITS
) -> None:
    """Raise NeoSenseError FILE_CORRUPT if raw passes a limit; builds no JSON object."""
    if len(raw) > limits.max_bytes:
        raise _refuse(
            source,
            f"it is {len(raw) / 2**20:,.0f} MiB (the limit is {limits.max_bytes // 2**20} MiB)",
            limit="bytes",
            bytes=len(raw),
        )
    scanner = _Scanner(source, limits)
    view = memoryview(raw)
    for start in range(0, max(len(raw), 1), _SLICE):
        end = start + _SLICE
        scanner.feed(bytes(view[start:end]), final=end >= len(raw))
    scanner.check_depth()


def _not_a_file(source: str, mode: int) -> NeoSenseError:
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    return NeoSenseError(
        ErrorCode.FILE_READ_FAILED,
        f"{source} was not opened: it is {kind}, not a report file.",
        suggestions=[NOT_A_REPORT],
        context={"path": source},
    )


# Opening a FIFO for reading waits for a writer, forever: a report is opened without
# blocking (where the platform has the flag) and checked again on the open handle, so a
# path swapped for a FIFO between the two checks cannot hang the reader either.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_OPEN_FLAGS |= getattr(os, "O_BINARY", 0)


def read_report_json_bytes(path: Path, limits: ReportLimits = DEFAULT_LIMITS) -> bytes:
    """A regular file's bytes, never more than the limit + 1 (a size check, then a bounded
    read). A folder, FIFO, device or socket is refused (FILE_READ_FAILED) before it is
    opened. Raises OSError if the file cannot be read."""
    source = str(path)
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _not_a_file(source, mode)
    fd = os.open(path, _OPEN_FLAGS)
    with open(fd, "rb") as handle:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise _not_a_file(source, opened.st_mode)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        size = opened.st_size
        if size > limits.max_bytes:
            raise _refuse(
                str(path),
                f"it is {size / 2**20:,.0f} MiB (the limit is {limits.max_bytes // 2**20} MiB)",
                limit="bytes",
                bytes=size,
            )
        return handle.read(limits.max_bytes + 1)


def parse_report_json(
    raw: bytes, source: str = "report", limits: ReportLimits = DEFAULT_LIMITS
) -> Any:
    """Check raw against the limits, then decode and parse it. Raises NeoSenseError
    FILE_CORRUPT (a limit, bad UTF-8, invalid JSON)."""
    check_report_bytes(raw, source, limits)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise unreadable_report(
            source, f"is not UTF-8 text (byte {exc.start})", NOT_A_REPORT
        ) from exc
    strict_numbers = _SUSPECT_NUMBER.search(raw) is not None
    try:
        data = json.loads(
            text,
            parse_constant=_no_constant,
            parse_int=_bounded_int if strict_numbers else None,
            parse_float=_finite_float if strict_numbers else None,
        )
    except _BadValue as exc:
        raise unreadable_report(source, f"is not a report: it holds {exc}", RESTORE_IT) from exc
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise unreadable_report(source, f"is not valid JSON ({where})", RESTORE_IT) from exc
    except ValueError as exc:  # any other number the decoder cannot take
        what = "is not a report: it holds a bad number"
        raise unreadable_report(source, what, RESTORE_IT) from exc
    except RecursionError as exc:  # unbalanced brackets skip the depth check
        raise _refuse(source, "it nests JSON too deeply", limit="depth") from exc
    if _SURROGATE_ESCAPE.search(raw) is not None and _has_lone_surrogate(data):
        raise unreadable_report(
            source,
            "is not a report: it holds a lone UTF-16 surrogate (\\ud800 to \\udfff), which is "
            "no character",
            RESTORE_IT,
        )
    return data


# NeoSense writes strict JSON: every number a report holds fits a 64-bit integer or is a
# finite float. NaN, Infinity, 1e999 (which Python reads as inf) and integers past int64
# (up to Python's 4,300-digit limit, then a ValueError) break the arithmetic of every
# export and of diff, so they are refused here, with the one line that says why. The
# checks cost a Python call per number, so they run only when the bytes hold a long digit
# run or a 3-digit exponent; a lone surrogate can only come from a \uD8xx-\uDFxx escape
# (strict UTF-8 decoding refuses the encoded form), so the walk runs only if one is there.
_SUSPECT_NUMBER = re.compile(rb"[0-9]{19}|[eE][+-]?[0-9]{3}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_INT64 = 2**63


class _BadValue(ValueError):
    """A JSON value no report holds; its text says which."""


def _no_constant(name: str) -> Any:
    raise _BadValue(f"{name}, which is not a number")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or not -_INT64 <= (value := int(text)) < _INT64:
        raise _BadValue(f"an integer of {len(text.lstrip('-')):,} digits, past any count")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadValue(f"the number {text[:40]}, past the largest float")
    return value


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
