"""Plan warm-up: the server plans a run's texts before F5 sends them.

On a server whose query cache has never seen NeoSense's texts (or has evicted them), a
run spends longer planning its long texts than running them (issue 28: ~1.2 s of server
planning against ~0.03 s warm at 200k nodes sampled, most of it in schema.batch_profiles
and type.batch_profiles; ~1 s more in exact mode for the per-label schema.profile_scan
texts). The window warms after Show plan (ui/run_controller.py) and when a connection is
selected (ui/query_preparer.py): that idle time before F5 is where the planning can go.

warm_plans builds the texts exactly as the run will: it drives the activities' own entry
points over a RunContext whose read() sends `EXPLAIN <text>` with the same parameters
instead of the text itself, and returns no rows. EXPLAIN plans the query and caches the
plan without executing it, so nothing is read. In this order (one query at a time, the
costliest plans first):
- the batched reads (batch_reading.label_read, type_rows, value_sample_rows);
- each label's and type's own read, by the path the run takes (schema.read_label,
  type_reading.read_type): schema.profile_scan, type.profile_scan and their kin; on the
  builtin procedures' path a label's key scan and db.schema.nodeTypeProperties(), which
  the run sends whatever the procedure answers;
- the node census (census.scan or census.sample), SHOW INDEXES and SHOW CONSTRAINTS
  (shared_reads), when statistics or quality runs;
- the reads other reads decide, where the warm-up decides them as the run will: the
  unlabeled nodes' scan (patterns.unlabeled: the planning's count store, held for the
  warm-up by shared_reads.keep_planning_counts, says whether the run sends it) and the
  supernodes' lookup (a fixed text; the run sends it when the census finds a node at or
  above the supernode threshold).
The sample's seed-dependent values (ids, hash offsets) are parameters, so a run with
another seed sends the same texts. Only texts the run of this plan sends are planned, but
for the supernodes' lookup, which it may not send (tests/integration/test_plan_warmup.py
holds every other warmed text among the run's).

Left out: texts that depend on what the run reads, which EXPLAIN's empty rows cannot
stand in for, so planning them could send texts the run never sends: a type read through
the builtin procedures (its key counts name the keys db.schema.relTypeProperties() gives,
its end counts what the count store gives; only that procedure's call and the type's
value sample are planned), quality's examples (quality.examples: its batched texts
follow the findings the run makes), the exact key counts (per key-like property),
schema's top values (per low-cardinality key) and the sampled types' pattern counts. The
probe's and the sizing's texts are planned by Show plan itself.

It is a courtesy, never a step of the run: at most WARMUP_SLOTS queries at a time (the
server is the user's), cancellable at any point, and every failure is only logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..graph_client import GraphClient, Row
from . import quality, relationship_types, schema, statistics
from .batch_reading import batched, label_read, samples_values, type_rows, value_sample_rows
from .builtin_schema import builtin_relationship_schema
from .context import PRIORITY_NORMAL, QUERY_TAG, Capabilities, RunContext
from .options import RunOptions
from .pattern_counts import unlabeled_ends
from .readings import Readings
from .shared_reads import keep_planning_counts, read_census, read_constraints, read_indexes
from .sizes import Sizes
from .type_reading import read_type, typed_by_builtins

log = logging.getLogger(__name__)

# Queries in flight at once: one, so the warm-up takes one of the server's threads at most.
WARMUP_SLOTS = 1
EXPLAIN = "EXPLAIN "
# What a lookup by element id is planned with: a list of strings, as the run's (a plan is
# cached per text and parameter types), never sought (EXPLAIN does not run it).
SOME_ELEMENT_ID = "4:00000000-0000-0000-0000-000000000000:0"


@dataclass
class WarmupResult:
    """What a warm-up sent: (query name, text as the run sends it) per planned text, and
    the texts whose EXPLAIN failed (logged, never raised)."""

    planned: list[tuple[str, str]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    duration_s: float = 0.0


class _ExplainContext(RunContext):
    """The run's context, but each read only has the server plan its text."""

    def __init__(self, *args: Any, slots: int, result: WarmupResult, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots = asyncio.Semaphore(slots)
        self._result = result

    async def read(
        self,
        activity: str,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        priority: int = PRIORITY_NORMAL,
    ) -> list[Row]:
        text = f"{QUERY_TAG} {cypher}"  # what RunContext.read sends
        async with self._slots:
            try:
                await self.client.read(
                    f"warmup.{query_name}",
                    EXPLAIN + text,
                    parameters,
                    timeout_s=self.options.query_timeout_s,
                    metadata={"neosense_warmup": self.run_id},
                )
            except Exception as exc:  # a warm-up failure is never the user's error
                log.info("plan warm-up: EXPLAIN of %s failed: %s", query_name, exc)
                self._result.failed.append(query_name)
                return []
        self._result.planned.append((query_name, text))
        return []

    async def read_each(
        self,
        activity: str,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
    ) -> int:
        await self.read(activity, query_name, cypher, parameters)
        return 0


def _reads_labels(ctx: RunContext) -> bool:
    return schema.ACTIVITY in ctx.options.activities


def _reads_types(ctx: RunContext) -> bool:
    return bool({schema.ACTIVITY, relationship_types.ACTIVITY} & set(ctx.options.activities))


def _batch_reads(ctx: RunContext) -> list[Awaitable[object]]:
    """Every batched read the run's activities start, asked for as they ask: one call per
    label (type) starts all of its kind's groups, and each awaits its own group."""
    labels = sorted(ctx.sizes.labels) if _reads_labels(ctx) else []
    types = sorted(ctx.sizes.types) if _reads_types(ctx) else []
    reads: list[Awaitable[object]] = [
        label_read(ctx, schema.ACTIVITY, name)
        for name in labels
        if batched(ctx, ctx.reading_of_label(name))
    ]
    reads += [
        type_rows(ctx, relationship_types.ACTIVITY, name)
        for name in types
        if batched(ctx, ctx.reading_of_type(name))
    ]
    reads += [
        value_sample_rows(ctx, schema.ACTIVITY, "label", name)
        for name in labels
        if samples_values(ctx, ctx.reading_of_label(name))
    ]
    reads += [
        value_sample_rows(ctx, schema.ACTIVITY, "relationship_type", name)
        for name in types
        for reading in [ctx.reading_of_type(name)]
        if samples_values(ctx, reading) and not batched(ctx, reading)
    ]
    return reads


def _subject_reads(ctx: RunContext) -> list[Awaitable[object]]:
    """Each label's and type's read as the activities make it; a batched one takes its
    share of the batches already planned, so only the reads of their own send a text."""
    reads: list[Awaitable[object]] = []
    if _reads_labels(ctx):
        reads += [
            schema.read_label(ctx, name, count) for name, count in sorted(ctx.sizes.labels.items())
        ]
    if _reads_types(ctx):
        types = sorted(ctx.sizes.types.items())
        by_builtins = {n for n, _ in types if typed_by_builtins(ctx, ctx.reading_of_type(n))}
        reads += [read_type(ctx, schema.ACTIVITY, n, c) for n, c in types if n not in by_builtins]
        if by_builtins:  # the rest of that path waits on what the procedure answers
            reads.append(builtin_relationship_schema(ctx, schema.ACTIVITY))
    return reads


def _decided_reads(ctx: RunContext) -> list[Awaitable[object]]:
    """The reads that other reads decide, where the warm-up can decide them as the run will:
    the unlabeled nodes' scan (the planning's count store says which types may have an
    unlabeled end; without those counts it is left out), and the supernodes' lookup, whose
    text is fixed (the run sends it when the census finds a node at or above the supernode
    threshold, so it may be one text more than the run sends)."""
    activities = set(ctx.options.activities)
    reads: list[Awaitable[object]] = []
    if relationship_types.ACTIVITY in activities and ctx.sizes.graph_counts is not None:
        reads.append(unlabeled_ends(ctx, relationship_types.ACTIVITY))
    if statistics.ACTIVITY in activities:
        reads.append(statistics.read_supernode_names(ctx, [SOME_ELEMENT_ID]))
    return reads


def _shared_reads(ctx: RunContext) -> list[Awaitable[object]]:
    """The census, indexes and constraints, which statistics and quality read."""
    activities = set(ctx.options.activities)
    if not {statistics.ACTIVITY, quality.ACTIVITY} & activities:
        return []
    activity = statistics.ACTIVITY if statistics.ACTIVITY in activities else quality.ACTIVITY
    return [
        read_indexes(ctx, activity),
        read_constraints(ctx, activity),
        read_census(ctx, activity),
    ]


async def warm_plans(
    client: GraphClient,
    options: RunOptions,
    sizes: Sizes,
    readings: Readings,
    caps: Capabilities,
    *,
    run_id: str,
    slots: int = WARMUP_SLOTS,
) -> WarmupResult:
    """Have the server plan the texts a run with these options, sizes, readings and
    capabilities sends (see module doc). Raises only CancelledError."""
    result = WarmupResult()
    t0 = time.monotonic()
    ctx = _ExplainContext(
        client, options, sizes, caps, run_id=run_id, readings=readings, slots=slots, result=result
    )
    try:
        # In turn, so the costliest plans (the batches' long unions) go to the server first.
        keep_planning_counts(ctx)
        for phase in (_batch_reads, _subject_reads, _shared_reads, _decided_reads):
            outcomes = await asyncio.gather(*phase(ctx), return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, Exception):
                    log.info("plan warm-up: a read could not be built: %r", outcome)
                    result.failed.append(type(outcome).__name__)
    except asyncio.CancelledError:
        log.info("plan warm-up cancelled after %d texts", len(result.planned))
        raise
    except Exception:  # never the user's error
        log.exception("plan warm-up failed")
    finally:
        await ctx.cancel_shared()
        result.duration_s = round(time.monotonic() - t0, 3)
    log.info(
        "plan warm-up: %d texts planned in %.2f s (%s), %d failed",
        len(result.planned),
        result.duration_s,
        ", ".join(sorted({name for name, _ in result.planned})) or "none",
        len(result.failed),
    )
    return result


__all__ = ["WARMUP_SLOTS", "WarmupResult", "warm_plans"]
