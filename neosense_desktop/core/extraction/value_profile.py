"""Value statistics per property, read in the same query that types the properties.

The schema activity's one read per label (and type_reading's one per relationship type)
already unwinds every property of every entity it reads; the aggregates below ride on that
row stream, so profiles and the string checks cost no extra pass over the data:
    ... UNWIND [null] + keys(p) AS k <bind_values('k')>
    RETURN k, valueType(v) AS t, shape, count(*) AS c, <AGGREGATES>
and fold_shapes() sums the rows of each (key, type) on the client. Each string's shape (the
checks it passes: numeric, integer, date format, sentinel, ...) is one small integer from a
CASE chain that stops at the first match, counted by grouping: ~20 aggregators per row and
up to seven regular expressions per string took ~35-45% more server time over the 200k
benchmark graph's labels and types (benchmarks/aggregate_cost.py measures both forms and
checks they give the same statistics).
In sampled mode they describe the sample (provenance "sample"), in exact mode every entity.
The numeric histogram is built on the client from a Bernoulli subsample of at most about
HISTOGRAM_VALUES numbers per key (`rand() < $hist_rate`), so its memory is bounded in exact
mode too.

Top values (values policy 'examples' only) need the values themselves, grouped: one more
read of the same entities, for low-cardinality keys only (top_values_query).
"""

from __future__ import annotations

import contextlib
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..report import (
    MAX_DISPLAY_CHARS,
    MAX_HISTOGRAM_BINS,
    MAX_TOP_VALUES,
    HistogramBin,
    PropertyProfile,
    Provenance,
    TopValue,
    ValuesPolicy,
)
from .options import RunOptions

SENTINELS = ("n/a", "na", "null", "none", "nil", "-", "-1", "?", "unknown", "undefined")
NUMBER_RE = r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
INTEGER_RE = r"[-+]?\d+"
BOOLEANS = ("true", "false")
NUMBER_STARTS = "0123456789+-."  # the first character of every number and date format
DATE_MIN_CHARS = 8  # the shortest string any DATE_FORMATS entry matches ("1/1/2024")
# Date formats a string may be in, by name: the name goes in the finding.
DATE_FORMATS: dict[str, str] = {
    "ISO 8601 date (YYYY-MM-DD)": r"\d{4}-\d{2}-\d{2}",
    "ISO 8601 date-time": r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?",
    "US date (M/D/YYYY)": r"\d{1,2}/\d{1,2}/\d{4}",
    "European date (D.M.YYYY)": r"\d{1,2}\.\d{1,2}\.\d{4}",
}
HISTOGRAM_VALUES = 2_000
# An exactly read label or type of at most this many entities gets its statistics from its
# one full read; a bigger one from a spread sample of profile_sample_size() (value_sample.py).
# The aggregates cost ~50-70 us per entity of 10-20 properties on the 2-core benchmark
# server (before the string shapes below; ~35-40% less since), several times typing the
# values: 5,000 entities is ~0.3 s, and the 1M-node graph's 21 labels and 13 types then
# add ~2 s of server time (spread over the cores) instead of ~60 s for profiling every
# value.
EXACT_PROFILE_MAX = 5_000
PROFILE_SAMPLE_MIN = 1_000
TOP_VALUES_MAX_DISTINCT = 20  # "low cardinality": at most this many distinct values read
TEMPORAL = "DATE | LOCAL DATETIME | ZONED DATETIME | LOCAL TIME | ZONED TIME"

# Each string's shape, one small integer computed once per value by bind_values: the
# string checks the findings count, as the set of them the string passes. The conditions
# overlap only here: an integer is numeric, and a sentinel may be an integer ("-1") or a
# number; a boolean, an empty string, a date and a sentinel word exclude each other
# (tests/core/extraction/test_value_profile.py checks the lists still allow that).
SHAPE_FLAGS: tuple[frozenset[str], ...] = (
    frozenset(),  # 0: not a string, or a string none of the checks match
    frozenset({"empty"}),  # 1
    frozenset({"boolean"}),  # 2
    frozenset({"sentinel"}),  # 3
    frozenset({"numeric", "integer"}),  # 4
    frozenset({"numeric", "integer", "sentinel"}),  # 5
    frozenset({"numeric"}),  # 6
    frozenset({"numeric", "sentinel"}),  # 7
    *(frozenset({f"date_{i}"}) for i in range(len(DATE_FORMATS))),  # 8, 9, ...
)
_WORD_SHAPE = {**{b: 2 for b in BOOLEANS}, **{s: 3 for s in SENTINELS}}
# The regular expressions run only on strings that start like a number or a date, the
# date formats only on those long enough, and each string is tested until one matches;
# the booleans and sentinel words are one map look-up ($words).
SHAPE = (
    "CASE WHEN vs IS NULL THEN 0 WHEN vs = '' THEN 1 "
    "WHEN NOT left(vs, 1) IN $number_starts THEN coalesce($words[toLower(vs)], 0) "
    "WHEN vs =~ $integer_re THEN CASE WHEN vs IN $sentinels THEN 5 ELSE 4 END "
    "WHEN vs =~ $number_re THEN CASE WHEN toLower(vs) IN $sentinels THEN 7 ELSE 6 END "
    f"WHEN size(vs) < {DATE_MIN_CHARS} THEN coalesce($words[toLower(vs)], 0) "
    + "".join(f"WHEN vs =~ $date_re_{i} THEN {8 + i} " for i in range(len(DATE_FORMATS)))
    + "ELSE coalesce($words[toLower(vs)], 0) END"
)

# Appended to `RETURN k, <type> AS t, count(*) AS c` after bind_values (v is null for the
# k = null row that counts entities); the query also returns `shape` as a grouping key, so
# its rows are one per (key, type, shape) and fold_shapes() sums them back into one per
# (key, type) with the columns ValueStats.add_row reads. A group holds one value type, so
# min(v) and max(v) are the numeric or temporal bounds when the type is one (fold_shapes
# reads them by the type), and the shapes are counted by grouping instead of one
# sum(CASE ...) per check.
AGGREGATES = (
    "count(DISTINCT v) AS d, min(v) AS vmin, max(v) AS vmax, avg(vx) AS xavg, "
    "min(vn) AS lmin, max(vn) AS lmax, "
    "collect(CASE WHEN rand() < $hist_rate THEN vx END) AS xs"
)


# The conditions quality's findings fetch examples with (quality_checks.CONDITION_NAMES), as
# shape flags (SHAPE_FLAGS; "present" is every value): the batched sample reads collect up
# to EXAMPLES_PER_KEY entities per key and shape while they aggregate, and fold_shapes()
# deals them out to the conditions, so a sampled run needs no second read of its samples
# for examples.
EXAMPLE_CONDITIONS: tuple[str, ...] = (
    "present",
    "numeric",
    "integer",
    "boolean",
    "empty",
    "sentinel",
    *(f"date_{i}" for i in range(len(DATE_FORMATS))),
)
EXAMPLES_PER_KEY = 5


def example_aggregates(entity: str, with_values: bool) -> str:
    """The aggregate collecting the element ids (and the values, with_values) of up to
    EXAMPLES_PER_KEY entities bound to `entity` per (key, type, shape) group. Only the
    first few are turned into element ids, after the collect."""
    if with_values:
        hits = f"collect([{entity}, v])[..{EXAMPLES_PER_KEY}]"
        return f"[h IN {hits} | [elementId(h[0]), h[1]]] AS ex"
    return f"[h IN collect({entity})[..{EXAMPLES_PER_KEY}] | [elementId(h), null]] AS ex"


def profile_sample_size(options: RunOptions) -> int:
    return max(options.sample_size, PROFILE_SAMPLE_MIN)


def profiled_in_full(options: RunOptions, count: int) -> bool:
    """Whether an exactly read label or type of `count` entities gets exact statistics."""
    return count <= EXACT_PROFILE_MAX


def bind_values(carried: str) -> str:
    """Cypher binding v (the value p[k]), vx (v when a number), vn (the length of v when a
    string) and shape (SHAPE: which string checks the trimmed string passes), keeping the
    `carried` variables (e.g. "k" or "s, e, k"). Follow with `RETURN <carried keys>, t,
    shape, count(*) AS c, <AGGREGATES>` and fold the rows with fold_shapes()."""
    return (
        f"WITH {carried}, p[k] AS v, CASE WHEN p[k] IS :: STRING THEN trim(p[k]) END AS vs "
        f"WITH {carried}, v, CASE WHEN v IS :: INTEGER | FLOAT THEN v END AS vx, "
        f"CASE WHEN vs IS NULL THEN null ELSE size(v) END AS vn, {SHAPE} AS shape"
    )


def aggregates(hist_rate: str = "$hist_rate") -> str:
    """AGGREGATES with the one per-read value, the histogram's sampling rate, given as a
    Cypher expression: queries that read several labels or types at once pick each one's
    rate from a list (batch_reading.py)."""
    return AGGREGATES.replace("$hist_rate", hist_rate)


_NUMBER_TYPES = frozenset({"INTEGER", "FLOAT"})
_TEMPORAL_TYPES = frozenset(t.strip() for t in TEMPORAL.split("|"))


def _base_type(value_type: Any) -> str:
    return str(value_type).removesuffix(" NOT NULL") if value_type is not None else ""


def fold_shapes(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of a query built on bind_values and AGGREGATES (one per `keys` and shape)
    summed into one row per `keys`, with the columns ValueStats.add_row reads: c, d, xc,
    xmin, xmax, xavg, tmin, tmax, sc, lmin, lmax, the shape counts (empty, sentinel,
    numeric, integer, boolean, date_i), xs and, when the query collected them, ex_<condition>.
    A value has one shape, so distinct counts add up; the bounds of a group are its type's."""
    folded: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        group = tuple(tuple(row[k]) if isinstance(row[k], list) else row[k] for k in keys)
        out = folded.get(group)
        base = _base_type(row.get("t"))
        if out is None:
            out = folded[group] = _folded_group(row, keys, base)
        if "ms" in row:  # the label sets of the holders (label_sets.SET_COLUMNS)
            out["ms"].extend(row["ms"] or [])
            out["mc"] += int(row["mc"] or 0)
        c = int(row["c"])
        out["c"] += c
        out["d"] += int(row.get("d") or 0)
        if base in _NUMBER_TYPES:
            out["xc"] += c
        elif base == "STRING":
            out["sc"] += c
            for name, pick in (("lmin", min), ("lmax", max)):
                value = row.get(name)
                if value is not None:
                    out[name] = value if out[name] is None else pick(out[name], value)
        flags = SHAPE_FLAGS[int(row.get("shape") or 0)]
        for name in flags:
            out[name] += c
        out["xs"].extend(row.get("xs") or [])
        if "ex" in row:
            for name in EXAMPLE_CONDITIONS:
                if name == "present" or name in flags:
                    kept = out[f"ex_{name}"]
                    kept.extend(row["ex"][: EXAMPLES_PER_KEY - len(kept)])
    return list(folded.values())


def _folded_group(row: dict[str, Any], keys: tuple[str, ...], base: str) -> dict[str, Any]:
    """fold_shapes' row for the group of `row`, before any row is added to it."""
    out = {k: row[k] for k in keys}
    out.update(
        c=0,
        d=0,
        xc=0,
        xmin=None,
        xmax=None,
        xavg=row.get("xavg"),
        tmin=None,
        tmax=None,
        sc=0,
        lmin=None,
        lmax=None,
        xs=[],
        **{name: 0 for name in EXAMPLE_CONDITIONS if name != "present"},
    )
    if base in _NUMBER_TYPES:
        out.update(xmin=row.get("vmin"), xmax=row.get("vmax"))
    elif base in _TEMPORAL_TYPES:
        out.update(tmin=row.get("vmin"), tmax=row.get("vmax"))
    if "ex" in row:
        out.update({f"ex_{name}": [] for name in EXAMPLE_CONDITIONS})
    if "ms" in row:
        out.update(ms=[], mc=0)
    return out


def histogram_rate(expected_values: int) -> float:
    return min(1.0, HISTOGRAM_VALUES / max(1, expected_values))


def aggregate_parameters(expected_values: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "sentinels": list(SENTINELS),
        "words": dict(_WORD_SHAPE),
        "number_re": NUMBER_RE,
        "integer_re": INTEGER_RE,
        "number_starts": list(NUMBER_STARTS),
        "hist_rate": histogram_rate(expected_values),
    }
    for i, pattern in enumerate(DATE_FORMATS.values()):
        params[f"date_re_{i}"] = pattern
    return params


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass
class ValueStats:
    """What the aggregates saw of one key on one label or type (summed over row groups)."""

    holders: int = 0
    distinct: int = 0
    groups: int = 0  # row groups merged: >1 distinct-type or end-label groups -> approximate
    numbers: int = 0
    number_sum: float = 0.0
    min_number: float | None = None
    max_number: float | None = None
    min_temporal: Any = None
    max_temporal: Any = None
    strings: int = 0
    min_length: int | None = None
    max_length: int | None = None
    empty: int = 0
    sentinel: int = 0
    numeric: int = 0
    integer: int = 0
    boolean: int = 0
    dates: Counter[str] = field(default_factory=Counter)
    histogram_values: list[float] = field(default_factory=list)
    top: Counter[tuple[str, str]] = field(default_factory=Counter)  # (display, type) -> count
    # condition name (EXAMPLE_CONDITIONS) -> [element id, value or None], when the read
    # collected examples
    examples: dict[str, list[tuple[str, Any]]] | None = None
    # What the statistics describe when it is not what the property's types and fill rate
    # were read from: a big label of an exact run is profiled from a sample (value_sample.py).
    provenance: Provenance | None = None
    # Exact (holders, distinct values) of a key-like property whose other statistics are
    # sampled: an exact run counts them (key_counts.py), so duplicate keys stay exact.
    key_counts: tuple[int, int] | None = None

    def add_row(self, row: dict[str, Any]) -> None:
        """Fold one row of fold_shapes (one key's group) into the statistics: each group
        of columns by its own fold (ROW_FOLDS)."""
        for fold in ROW_FOLDS:
            fold(self, row)

    def profile(
        self, entities_read: int, provenance: Provenance, policy: ValuesPolicy
    ) -> PropertyProfile | None:
        if policy == "none":
            return None
        read = max(entities_read, self.holders)
        sampled = provenance.method == "sample"
        histogram = _histogram(self.histogram_values, self.min_number, self.max_number)
        top: list[TopValue] | None = None
        if policy == "examples" and self.top:
            # Shares over the holders the top-values read itself saw: it reads the entities
            # again, and a sample drawn again (or a graph written meanwhile) may hold more
            # of them than the first read did, which made shares above 1 fail the report.
            top_holders = sum(self.top.values())
            top = [
                TopValue(
                    value=display[:MAX_DISPLAY_CHARS],
                    type=value_type,
                    count=count,
                    share=round(count / top_holders, 4),
                )
                for (display, value_type), count in self.top.most_common(MAX_TOP_VALUES)
            ]
        return PropertyProfile(
            provenance=provenance,
            entities_read=read,
            values_read=self.holders,
            null_rate=round(1 - self.holders / read, 4) if read else 0.0,
            distinct=self.distinct,
            distinct_provenance="approximate" if sampled or self.groups > 1 else "exact",
            min_number=self.min_number,
            max_number=self.max_number,
            mean_number=self.number_sum / self.numbers if self.numbers else None,
            min_temporal=_iso(self.min_temporal),
            max_temporal=_iso(self.max_temporal),
            min_length=self.min_length,
            max_length=self.max_length,
            empty_strings=self.empty if self.strings else None,
            sentinel_values=self.sentinel if self.strings else None,
            top_values=top,
            histogram=histogram,
            histogram_provenance=(
                Provenance(method="sample", sample_size=len(self.histogram_values))
                if histogram and len(self.histogram_values) < self.numbers
                else (provenance if histogram else None)
            ),
        )


# The columns fold_shapes gives a row, by what they fold into. The bounds: column ->
# (ValueStats attribute, which of two values it keeps).
Pick = Callable[[Any, Any], Any]
NUMBER_BOUNDS: dict[str, tuple[str, Pick]] = {
    "xmin": ("min_number", min),
    "xmax": ("max_number", max),
}
TEMPORAL_BOUNDS: dict[str, tuple[str, Pick]] = {
    "tmin": ("min_temporal", min),
    "tmax": ("max_temporal", max),
}
LENGTH_BOUNDS: dict[str, tuple[str, Pick]] = {
    "lmin": ("min_length", min),
    "lmax": ("max_length", max),
}
# Counts of the string checks, each summed into the attribute of the same name.
SHAPE_COUNTS = ("empty", "sentinel", "numeric", "integer", "boolean")
# Column -> the date format (DATE_FORMATS) whose hits it counts.
DATE_COLUMNS = {f"date_{i}": name for i, name in enumerate(DATE_FORMATS)}
# Column -> the example condition (EXAMPLE_CONDITIONS) whose entities it holds.
EXAMPLE_COLUMNS = {f"ex_{name}": name for name in EXAMPLE_CONDITIONS}


def _keep(stats: ValueStats, attr: str, pick: Pick, value: Any) -> None:
    """Set the bound `attr` to `value`, or to pick(old, value) when it has one."""
    old = getattr(stats, attr)
    setattr(stats, attr, value if old is None else pick(old, value))


def fold_counts(stats: ValueStats, row: dict[str, Any]) -> None:
    """Holders (c) and distinct values (d); every row is one more group."""
    stats.groups += 1
    stats.holders += int(row["c"])
    stats.distinct += int(row.get("d") or 0)


def fold_numbers(stats: ValueStats, row: dict[str, Any]) -> None:
    """Numbers (xc), their mean (xavg) and bounds (NUMBER_BOUNDS, finite numbers only)."""
    xc = int(row.get("xc") or 0)
    if not xc:
        return
    stats.numbers += xc
    stats.number_sum += float(row.get("xavg") or 0.0) * xc
    for column, (attr, pick) in NUMBER_BOUNDS.items():
        value = _number(row.get(column))
        if value is not None:
            _keep(stats, attr, pick, value)


def fold_temporals(stats: ValueStats, row: dict[str, Any]) -> None:
    """Temporal bounds (TEMPORAL_BOUNDS)."""
    for column, (attr, pick) in TEMPORAL_BOUNDS.items():
        value = row.get(column)
        if value is not None:
            # Two temporal types (DATE and DATETIME) do not compare: keep the first.
            with contextlib.suppress(TypeError):
                _keep(stats, attr, pick, value)


def fold_strings(stats: ValueStats, row: dict[str, Any]) -> None:
    """Strings (sc) and their length bounds (LENGTH_BOUNDS)."""
    sc = int(row.get("sc") or 0)
    if not sc:
        return
    stats.strings += sc
    for column, (attr, pick) in LENGTH_BOUNDS.items():
        value = row.get(column)
        if value is not None:
            _keep(stats, attr, pick, int(value))


def fold_shape_counts(stats: ValueStats, row: dict[str, Any]) -> None:
    """The string checks' counts (SHAPE_COUNTS) and the date formats' (DATE_COLUMNS)."""
    for name in SHAPE_COUNTS:
        setattr(stats, name, getattr(stats, name) + int(row.get(name) or 0))
    for column, date_format in DATE_COLUMNS.items():
        hits = int(row.get(column) or 0)
        if hits:
            stats.dates[date_format] += hits


def fold_examples(stats: ValueStats, row: dict[str, Any]) -> None:
    """Up to EXAMPLES_PER_KEY example entities per condition (EXAMPLE_COLUMNS), when the
    read collected them (the row has ex_present)."""
    if "ex_present" not in row:
        return
    examples = stats.examples if stats.examples is not None else {}
    stats.examples = examples
    for column, condition in EXAMPLE_COLUMNS.items():
        kept = examples.setdefault(condition, [])
        for element_id, value in row.get(column) or []:
            if len(kept) < EXAMPLES_PER_KEY:
                kept.append((str(element_id), value))


def fold_histogram(stats: ValueStats, row: dict[str, Any]) -> None:
    """The subsampled numbers (xs) the histogram is built from, finite numbers only."""
    for value in row.get("xs") or []:
        number = _number(value)
        if number is not None:
            stats.histogram_values.append(number)


# What ValueStats.add_row does with a row, in this order.
ROW_FOLDS: tuple[Callable[[ValueStats, dict[str, Any]], None], ...] = (
    fold_counts,
    fold_numbers,
    fold_temporals,
    fold_strings,
    fold_shape_counts,
    fold_examples,
    fold_histogram,
)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    iso = getattr(value, "iso_format", None)
    return str(iso() if callable(iso) else value)


def _histogram(values: list[float], low: float | None, high: float | None) -> list[HistogramBin]:
    if not values or low is None or high is None:
        return []
    if high == low:
        return [HistogramBin(lower=low, upper=high, count=len(values))]
    bins = MAX_HISTOGRAM_BINS
    width = (high - low) / bins
    counts = [0] * bins
    for value in values:
        counts[min(bins - 1, max(0, int((value - low) / width)))] += 1
    return [
        HistogramBin(lower=low + i * width, upper=low + (i + 1) * width, count=c)
        for i, c in enumerate(counts)
    ]


def profile_query(source: str, entity: str, node_labels: str = "", set_columns: str = "") -> str:
    """Per key of the entities `source` binds: value type, holders and the aggregates; the
    row with k = null counts the entities read. node_labels binds `nl` per entity and
    set_columns adds its columns (label_sets.py: NODE_LABELS, SET_COLUMNS), both or none."""
    labels, carried, sets = (
        (f", {node_labels}", "nl, k", f", {set_columns}") if node_labels else ("", "k", "")
    )
    return (
        f"{source} WITH properties({entity}) AS p{labels} UNWIND [null] + keys(p) AS k "
        f"{bind_values(carried)} "
        f"RETURN k, CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t{sets}, shape, "
        f"count(*) AS c, {AGGREGATES}"
    )


def top_values_query(source: str, entity: str) -> str:
    """Values and counts of low-cardinality keys among the entities `source` binds."""
    return (
        f"{source} WITH properties({entity}) AS p UNWIND $top_keys AS k WITH k, p[k] AS v "
        "WHERE v IS NOT NULL RETURN k, v, valueType(v) AS t, count(*) AS c"
    )


def display_value(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return text[:MAX_DISPLAY_CHARS]
