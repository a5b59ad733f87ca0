"""Plan warm-up: the server plans a run's batch texts while the user reads the plan.

On a server whose query cache has never seen NeoSense's texts (or has evicted them), a
sampled run spends longer planning its batched label and type reads than running them
(issue 28: ~1.2 s of server planning against ~0.03 s warm at 200k nodes, most of it in
schema.batch_profiles and type.batch_profiles). The window shows the plan before F5 runs
it; that idle time is where the planning can go.

warm_plans builds the texts exactly as the run will: it drives the activities' own entry
points (batch_reading.label_read, type_rows, value_sample_rows) over a RunContext whose
read() sends `EXPLAIN <text>` with the same parameters instead of the text itself. EXPLAIN
plans the query and caches the plan without executing it, so nothing is read. The
sample's seed-dependent values (ids, hash offsets) are parameters, so a run with another
seed sends the same texts (tests/integration/test_plan_warmup.py holds the two equal).

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
from .batch_reading import batched, label_read, samples_values, type_rows, value_sample_rows
from .context import PRIORITY_NORMAL, QUERY_TAG, Capabilities, RunContext
from .options import RunOptions
from .readings import Readings
from .sizes import Sizes

log = logging.getLogger(__name__)

# Queries in flight at once: one, so the warm-up takes one of the server's threads at most.
WARMUP_SLOTS = 1
EXPLAIN = "EXPLAIN "


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


def _batch_reads(ctx: RunContext) -> list[Awaitable[object]]:
    """Every batched read the run's activities start, asked for as they ask: one call per
    label (type) starts all of its kind's groups, and each awaits its own group."""
    labels, types = ctx.sizes.labels, ctx.sizes.types
    reads: list[Awaitable[object]] = [
        label_read(ctx, "schema", name)
        for name in sorted(labels)
        if batched(ctx, ctx.reading_of_label(name))
    ]
    reads += [
        type_rows(ctx, "relationship_types", name)
        for name in sorted(types)
        if batched(ctx, ctx.reading_of_type(name))
    ]
    reads += [
        value_sample_rows(ctx, "schema", "label", name)
        for name in sorted(labels)
        if samples_values(ctx, ctx.reading_of_label(name))
    ]
    reads += [
        value_sample_rows(ctx, "schema", "relationship_type", name)
        for name in sorted(types)
        for reading in [ctx.reading_of_type(name)]
        if samples_values(ctx, reading) and not batched(ctx, reading)
    ]
    return reads


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
    """Have the server plan the batch texts a run with these options, sizes, readings and
    capabilities sends (see module doc). Raises only CancelledError."""
    result = WarmupResult()
    t0 = time.monotonic()
    ctx = _ExplainContext(
        client, options, sizes, caps, run_id=run_id, readings=readings, slots=slots, result=result
    )
    try:
        outcomes = await asyncio.gather(*_batch_reads(ctx), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                log.info("plan warm-up: a batch could not be built: %r", outcome)
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
