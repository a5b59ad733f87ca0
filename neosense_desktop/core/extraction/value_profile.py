"""Value statistics per property, read in the same query that types the properties.

The schema activity's one read per label (and type_reading's one per relationship type)
already unwinds every property of every entity it reads; the aggregates below ride on that
row stream, so profiles and the string checks cost no extra pass over the data:
    ... UNWIND [null] + keys(p) AS k WITH k, p[k] AS v
    RETURN k, valueType(v) AS t, count(*) AS c, <AGGREGATES>
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
# server (seven regular expressions per string), ~10x typing the values: 5,000 entities is
# ~0.3 s, and the 1M-node graph's 21 labels and 13 types then add ~2 s of server time
# (spread over the cores) instead of ~60 s for profiling every value.
EXACT_PROFILE_MAX = 5_000
PROFILE_SAMPLE_MIN = 1_000
TOP_VALUES_MAX_DISTINCT = 20  # "low cardinality": at most this many distinct values read
TEMPORAL = "DATE | LOCAL DATETIME | ZONED DATETIME | LOCAL TIME | ZONED TIME"

# Appended to `RETURN k, <type> AS t, count(*) AS c` after bind_values (v is null for the
# k = null row that counts entities).
AGGREGATES = (
    "count(DISTINCT v) AS d, count(vx) AS xc, min(vx) AS xmin, max(vx) AS xmax, "
    "avg(vx) AS xavg, "
    "min(vt) AS tmin, max(vt) AS tmax, "
    "count(vs) AS sc, min(size(v0)) AS lmin, max(size(v0)) AS lmax, "
    "sum(CASE WHEN vs = '' THEN 1 ELSE 0 END) AS empty, "
    "sum(CASE WHEN vl IN $sentinels THEN 1 ELSE 0 END) AS sentinel, "
    "sum(CASE WHEN vd =~ $number_re THEN 1 ELSE 0 END) AS numeric, "
    "sum(CASE WHEN vd =~ $integer_re THEN 1 ELSE 0 END) AS integer, "
    "sum(CASE WHEN vl IN $booleans THEN 1 ELSE 0 END) AS boolean, "
    + ", ".join(
        f"sum(CASE WHEN vdate =~ $date_re_{i} THEN 1 ELSE 0 END) AS date_{i}"
        for i in range(len(DATE_FORMATS))
    )
    + ", collect(CASE WHEN rand() < $hist_rate THEN vx END) AS xs"
)


# The conditions quality's findings fetch examples with (quality_checks.CONDITIONS), on the
# variables bind_values binds: the batched sample reads collect up to EXAMPLES_PER_KEY
# entities per key and condition while they aggregate, so a sampled run needs no second
# read of its samples for examples.
EXAMPLE_CONDITIONS: dict[str, str] = {
    "present": "v IS NOT NULL",
    "numeric": "vd =~ $number_re",
    "integer": "vd =~ $integer_re",
    "boolean": "vl IN $booleans",
    "empty": "vs = ''",
    "sentinel": "vl IN $sentinels",
    **{f"date_{i}": f"vdate =~ $date_re_{i}" for i in range(len(DATE_FORMATS))},
}
EXAMPLES_PER_KEY = 5


def example_aggregates(entity: str, with_values: bool) -> str:
    """Aggregates collecting, per condition, the element ids (and the values, with_values)
    of up to EXAMPLES_PER_KEY entities bound to `entity` whose value meets it. Only the
    first few are turned into element ids, after the collect."""
    columns = []
    for name, condition in EXAMPLE_CONDITIONS.items():
        hits = f"collect(CASE WHEN {condition} THEN [{entity}, v] END)[..{EXAMPLES_PER_KEY}]"
        shown = "h[1]" if with_values else "null"
        columns.append(f"[h IN {hits} | [elementId(h[0]), {shown}]] AS ex_{name}")
    return ", ".join(columns)


def profile_sample_size(options: RunOptions) -> int:
    return max(options.sample_size, PROFILE_SAMPLE_MIN)


def profiled_in_full(options: RunOptions, count: int) -> bool:
    """Whether an exactly read label or type of `count` entities gets exact statistics."""
    return count <= EXACT_PROFILE_MAX


def bind_values(carried: str) -> str:
    """Cypher binding v (the value p[k]), v0 (the string as stored), vs (the trimmed
    string), vl (vs lower-cased), vd (vs when it starts like a number or a date, else null),
    vdate (vd when long enough to be a date), vt (a temporal value) and vx (the number),
    keeping the `carried` variables (e.g. "k" or "s, e, k").

    The six regular expressions are half the aggregates' cost; every number and date format
    starts with a digit, a sign or a dot, so a string that does not (a name, a text) skips
    them all (measured 0.9 s -> 0.5 s for 20,000 24-property nodes), and a short number
    skips the four date formats. The temporal type test is made once, not per aggregate."""
    return (
        f"WITH {carried}, p[k] AS v WITH {carried}, v, CASE WHEN v IS :: STRING THEN v END AS v0, "
        "CASE WHEN v IS :: STRING THEN trim(v) END AS vs, "
        "CASE WHEN v IS :: INTEGER | FLOAT THEN v END AS vx "
        f"WITH {carried}, v, v0, vs, vx, toLower(vs) AS vl, "
        "CASE WHEN left(vs, 1) IN $number_starts THEN vs END AS vd, "
        f"CASE WHEN v IS :: {TEMPORAL} THEN v END AS vt "
        f"WITH {carried}, v, v0, vs, vx, vl, vd, vt, "
        f"CASE WHEN size(vd) >= {DATE_MIN_CHARS} THEN vd END AS vdate"
    )


def aggregates(hist_rate: str = "$hist_rate") -> str:
    """AGGREGATES with the one per-read value, the histogram's sampling rate, given as a
    Cypher expression: queries that read several labels or types at once pick each one's
    rate from a list (batch_reading.py)."""
    return AGGREGATES.replace("$hist_rate", hist_rate)


def histogram_rate(expected_values: int) -> float:
    return min(1.0, HISTOGRAM_VALUES / max(1, expected_values))


def aggregate_parameters(expected_values: int) -> dict[str, Any]:
    params: dict[str, Any] = {
        "sentinels": list(SENTINELS),
        "number_re": NUMBER_RE,
        "integer_re": INTEGER_RE,
        "booleans": list(BOOLEANS),
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
    # sampled: an exact run counts them (quality.py), so duplicate keys stay exact.
    key_counts: tuple[int, int] | None = None

    def add_row(self, row: dict[str, Any]) -> None:
        self.groups += 1
        self.holders += int(row["c"])
        self.distinct += int(row.get("d") or 0)
        xc = int(row.get("xc") or 0)
        if xc:
            self.numbers += xc
            self.number_sum += float(row.get("xavg") or 0.0) * xc
            for name, pick in (("xmin", min), ("xmax", max)):
                value = _number(row.get(name))
                if value is not None:
                    attr = "min_number" if name == "xmin" else "max_number"
                    old = getattr(self, attr)
                    setattr(self, attr, value if old is None else pick(old, value))
        for name, attr, pick in (("tmin", "min_temporal", min), ("tmax", "max_temporal", max)):
            value = row.get(name)
            if value is not None:
                old = getattr(self, attr)
                # Two temporal types (DATE and DATETIME) do not compare: keep the first.
                with contextlib.suppress(TypeError):
                    setattr(self, attr, value if old is None else pick(old, value))
        sc = int(row.get("sc") or 0)
        if sc:
            self.strings += sc
            lmin, lmax = row.get("lmin"), row.get("lmax")
            if lmin is not None:
                self.min_length = (
                    int(lmin) if self.min_length is None else min(self.min_length, int(lmin))
                )
            if lmax is not None:
                self.max_length = (
                    int(lmax) if self.max_length is None else max(self.max_length, int(lmax))
                )
        for name in ("empty", "sentinel", "numeric", "integer", "boolean"):
            setattr(self, name, getattr(self, name) + int(row.get(name) or 0))
        for i, label in enumerate(DATE_FORMATS):
            hits = int(row.get(f"date_{i}") or 0)
            if hits:
                self.dates[label] += hits
        if "ex_present" in row:
            examples = self.examples if self.examples is not None else {}
            self.examples = examples
            for name in EXAMPLE_CONDITIONS:
                kept = examples.setdefault(name, [])
                for element_id, value in row.get(f"ex_{name}") or []:
                    if len(kept) < EXAMPLES_PER_KEY:
                        kept.append((str(element_id), value))
        for value in row.get("xs") or []:
            number = _number(value)
            if number is not None:
                self.histogram_values.append(number)

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
            top = [
                TopValue(
                    value=display[:MAX_DISPLAY_CHARS],
                    type=value_type,
                    count=count,
                    share=round(count / self.holders, 4) if self.holders else 0.0,
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


def profile_query(source: str, entity: str) -> str:
    """Per key of the entities `source` binds: value type, holders and the aggregates; the
    row with k = null counts the entities read."""
    return (
        f"{source} WITH properties({entity}) AS p UNWIND [null] + keys(p) AS k "
        f"{bind_values('k')} "
        "RETURN k, CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t, "
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
