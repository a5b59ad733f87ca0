"""Activity schema: per label and per relationship type, every property with ALL its types.

One query per label or type reads each entity's properties once:
    MATCH (n:L) WITH properties(n) AS p UNWIND [null] + keys(p) AS k
    RETURN k, collect(DISTINCT valueType(p[k])) AS types, count(*) AS holders
The row with k = null counts the entities read, so fill rate = holders / entities read, from
the same snapshot. Exact labels read every node (provenance "scan"); sampled ones read the
spread windows (provenance "sample" with the number of entities read).

On servers without valueType() (before 5.13) the same entities' properties are returned and
typed on the client with the same names (value_types.python_value_type); a note says so.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict

from ..errors import NeoSenseError
from ..report import Label, Property, Provenance, RelationshipType, Report
from .context import ActivityProgress, RunContext
from .sampling import Sample, node_source, relationship_source
from .value_types import normalise_value_type, python_value_type

ACTIVITY = "schema"

LEGACY_NOTE = (
    "This server has no valueType() (Neo4j before 5.13): property types were derived on the "
    "client from the values read, with the same type names."
)


async def run_schema(ctx: RunContext, out: Report, progress: ActivityProgress) -> None:
    labels = ctx.sizes.labels
    types = ctx.sizes.types
    progress.start(len(labels) + len(types), "reading properties")
    if not ctx.caps.value_type:
        out.notes.append(LEGACY_NOTE)
    errors: list[NeoSenseError] = []
    totals = {"properties": 0}

    async def one_label(name: str, count: int) -> None:
        entry = Label(name=name, count=count, count_provenance=Provenance(method="count_store"))
        out.labels.append(entry)
        windows = None if ctx.options.is_exact(count) else ctx.node_sample(name, count)
        source, params = node_source(name, windows)
        try:
            entry.properties = await _properties(ctx, source, params, "n", windows)
        except NeoSenseError as exc:
            errors.append(exc.with_context(subject=f"(:{name})"))
        totals["properties"] += len(entry.properties)
        progress.advance(f"properties of (:{name})", properties=totals["properties"])

    async def one_type(name: str, count: int) -> None:
        entry = RelationshipType(
            name=name, count=count, count_provenance=Provenance(method="count_store")
        )
        out.relationship_types.append(entry)
        windows = None if ctx.options.is_exact(count) else ctx.relationship_sample(name, count)
        source, params = relationship_source(name, windows)
        try:
            entry.properties = await _properties(ctx, source, params, "r", windows)
        except NeoSenseError as exc:
            errors.append(exc.with_context(subject=f"[:{name}]"))
        totals["properties"] += len(entry.properties)
        progress.advance(f"properties of [:{name}]", properties=totals["properties"])

    await asyncio.gather(
        *(one_label(n, c) for n, c in labels.items()),
        *(one_type(n, c) for n, c in types.items()),
    )
    out.labels.sort(key=lambda x: x.name)
    out.relationship_types.sort(key=lambda x: x.name)
    if errors:
        raise errors[0]


async def _properties(
    ctx: RunContext, source: str, params: dict[str, object], var: str, windows: Sample | None
) -> list[Property]:
    if ctx.caps.value_type:
        # properties() reads each entity's property chain once; `n[k]` per key would walk
        # it again for every key (quadratic in the number of properties).
        rows = await ctx.read(
            ACTIVITY,
            "schema.sample" if windows else "schema.scan",
            f"{source} WITH properties({var}) AS p UNWIND [null] + keys(p) AS k "
            "RETURN k, collect(DISTINCT CASE WHEN k IS NULL THEN null "
            "ELSE valueType(p[k]) END) AS types, count(*) AS holders",
            params,
        )
        read_count = 0
        found: dict[str, tuple[set[str], int]] = {}
        for row in rows:
            if row["k"] is None:
                read_count = int(row["holders"])
            else:
                found[row["k"]] = (
                    {normalise_value_type(t) for t in row["types"] if t},
                    int(row["holders"]),
                )
    else:
        rows = await ctx.read(
            ACTIVITY,
            "schema.legacy_sample" if windows else "schema.legacy_scan",
            f"{source} RETURN properties({var}) AS p",
            params,
        )
        read_count = len(rows)
        kinds: dict[str, set[str]] = defaultdict(set)
        holders: dict[str, int] = defaultdict(int)
        for row in rows:
            for key, value in row["p"].items():
                kinds[key].add(python_value_type(value))
                holders[key] += 1
        found = {k: (kinds[k], holders[k]) for k in kinds}
    provenance = (
        Provenance(method="sample", sample_size=read_count)
        if windows is not None
        else Provenance(method="scan")
    )
    return [
        Property(
            name=key,
            types=sorted(kinds_),
            fill_rate=min(1.0, holders_ / read_count) if read_count else 0.0,
            provenance=provenance,
            observed=holders_,
        )
        for key, (kinds_, holders_) in sorted(found.items())
    ]
