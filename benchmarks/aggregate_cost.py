"""Server time of the value aggregates: the batched sample reads' query form before issue
15/16's aggregate rework (frozen below as BASELINE_*) against the current one
(batch_reading.label_profile_tail / type_profile_tail), per label and type of a loaded
benchmark graph, and a check that both give the same ValueStats.

    .venv/bin/python -m benchmarks.aggregate_cost --port 7723 [--sample 1000] [--repeat 5]

Each label (type) is read as one batch branch over its first `--sample` nodes
(relationships) in scan order, so both forms aggregate the same rows. Server time is the
driver's result_available_after + result_consumed_after; the median of `--repeat` runs
after one warm-up, the two forms interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import asdict
from typing import Any

import neo4j

from benchmarks.graphload import neo4j_local
from neosense_desktop.core.cypher import escape_name
from neosense_desktop.core.extraction.batch_reading import label_profile_tail, type_profile_tail
from neosense_desktop.core.extraction.value_profile import (
    BOOLEANS,
    DATE_FORMATS,
    DATE_MIN_CHARS,
    TEMPORAL,
    ValueStats,
    aggregate_parameters,
    fold_shapes,
)

# ----------------------------------------------------------------- the old form, frozen
_BASELINE_AGGREGATES = (
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
    + ", collect(CASE WHEN rand() < $hist_rates[branch] THEN vx END) AS xs"
)
_BASELINE_CONDITIONS = {
    "present": "v IS NOT NULL",
    "numeric": "vd =~ $number_re",
    "integer": "vd =~ $integer_re",
    "boolean": "vl IN $booleans",
    "empty": "vs = ''",
    "sentinel": "vl IN $sentinels",
    **{f"date_{i}": f"vdate =~ $date_re_{i}" for i in range(len(DATE_FORMATS))},
}


def _baseline_examples(entity: str) -> str:
    return ", ".join(
        f"[h IN collect(CASE WHEN {condition} THEN [{entity}, v] END)[..5] | "
        f"[elementId(h[0]), null]] AS ex_{name}"
        for name, condition in _BASELINE_CONDITIONS.items()
    )


def _baseline_bind(carried: str) -> str:
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


BASELINE_LABEL_TAIL = (
    "WITH branch, n, properties(n) AS p UNWIND [null] + keys(p) AS k "
    f"{_baseline_bind('branch, n, k')} RETURN branch, k, "
    "CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t, "
    f"count(*) AS c, {_BASELINE_AGGREGATES}, {_baseline_examples('n')}"
)
BASELINE_TYPE_TAIL = (
    "WITH branch, r, labels(a) AS s, labels(b) AS e, properties(r) AS p "
    "UNWIND [null] + keys(p) AS k "
    f"WITH branch, r, s, e, p, k {_baseline_bind('branch, r, s, e, k')} "
    "RETURN branch, s, e, k, CASE WHEN k IS NULL THEN null ELSE valueType(v) END AS t, "
    f"count(*) AS c, {_BASELINE_AGGREGATES}, {_baseline_examples('r')}"
)


# ----------------------------------------------------------------- measuring
def _run(session: neo4j.Session, query: str, params: dict[str, Any]) -> tuple[float, list[Any]]:
    result = session.run(query, params)
    rows = [r.data() for r in result]
    summary = result.consume()
    ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
    return ms / 1000.0, rows


def _stats(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """ValueStats per (start, end, key) as comparable dicts: all but the histogram's
    random subsample, and the examples by their number per condition."""
    out: dict[tuple[Any, ...], ValueStats] = {}
    for row in rows:
        if row["k"] is None:
            continue
        key = (tuple(row.get("s") or ()), tuple(row.get("e") or ()), row["k"])
        out.setdefault(key, ValueStats()).add_row(row)
    comparable = {}
    for key, stats in out.items():
        d = asdict(stats)
        d.pop("histogram_values")
        d["examples"] = {k: len(v) for k, v in (stats.examples or {}).items()}
        comparable[key] = d
    return comparable


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--sample", type=int, default=1000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--only", default="", help="comma list of labels or types to measure")
    args = p.parse_args(argv)
    nl = neo4j_local()
    uri = f"bolt://localhost:{args.port}"
    params = aggregate_parameters(args.sample)
    params.update(booleans=list(BOOLEANS), hist_rates=[params["hist_rate"]])
    totals = {"before": 0.0, "after": 0.0}
    mismatches = 0
    with (
        neo4j.GraphDatabase.driver(
            uri, auth=("neo4j", nl._password()), notifications_min_severity="OFF"
        ) as driver,
        driver.session(default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        labels = [r["label"] for r in session.run("CALL db.labels() YIELD label")]
        types = [r["relationshipType"] for r in session.run("CALL db.relationshipTypes() YIELD *")]
        only = {x for x in args.only.split(",") if x}
        reads: list[tuple[str, str, str, str]] = []
        for label in labels:
            source = f"MATCH (n:{escape_name(label)}) WITH n LIMIT $limit WITH 0 AS branch, n "
            reads.append((f":{label}", source + BASELINE_LABEL_TAIL, source, "label"))
        for rel_type in types:
            source = (
                f"MATCH (a)-[r:{escape_name(rel_type)}]->(b) WITH a, r, b LIMIT $limit "
                "WITH 0 AS branch, a, r, b "
            )
            reads.append((f"[:{rel_type}]", source + BASELINE_TYPE_TAIL, source, "type"))
        print(f"{'read':<28} {'before s':>9} {'after s':>9} {'change':>8}  same")
        for name, before_query, source, kind in reads:
            if only and name.strip(":[]") not in only:
                continue
            after_query = source + (
                label_profile_tail(False) if kind == "label" else type_profile_tail(False)
            )
            keys = ("branch", "k", "t") if kind == "label" else ("branch", "s", "e", "k", "t")
            run_params = {**params, "limit": args.sample}
            times: dict[str, list[float]] = {"before": [], "after": []}
            results: dict[str, list[Any]] = {}
            for i in range(args.repeat + 1):
                for form, query in (("before", before_query), ("after", after_query)):
                    seconds, rows = _run(session, query, run_params)
                    if i:
                        times[form].append(seconds)
                    results[form] = rows
            same = _stats(results["before"]) == _stats(fold_shapes(results["after"], keys))
            mismatches += not same
            before, after = (statistics.median(times[f]) for f in ("before", "after"))
            totals["before"] += before
            totals["after"] += after
            change = f"{(after - before) / before:+.0%}" if before else "-"
            print(f"{name[:28]:<28} {before:9.3f} {after:9.3f} {change:>8}  {same}")
        b, a = totals["before"], totals["after"]
        print(f"{'total (sum of medians)':<28} {b:9.3f} {a:9.3f} {(a - b) / b:+8.0%}")
    if mismatches:
        print(f"{mismatches} read(s) gave different statistics", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
