"""What every activity of one run shares: the client, the options, the sizes, progress.

RunContext wraps GraphClient.read with
- a gate, so all activities together keep at most `concurrency` queries on the server
  (the options' max_concurrent_queries, or auto's number from the server's processors:
  concurrency.py) (each in its own session from the one driver's pool); waiting queries go in
  priority order, so the few long whole-store scans (census, builtins, unlabeled nodes)
  start first instead of queueing behind dozens of short samples and ending the run last;
- transaction metadata naming the run ({"neosense_run": id}), so a cancelled run can find
  and terminate its own transactions on the server (SHOW TRANSACTIONS shows metaData);
  plus a constant comment (QUERY_TAG) that marks NeoSense queries in the server's query
  log without changing per run, so the server's plan cache still serves repeated runs;
- per-activity row counts for the structured log.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..graph_client import GraphClient, Row
from ..report import MAX_PROFILES, Label, RelationshipType
from .concurrency import effective_concurrency
from .label_sets import NodeRead
from .options import RunOptions
from .progress import ActivityState, ProgressCallback, ProgressEvent
from .readings import OwnerKind, Reading, Readings, decide_readings
from .sampling import Sample
from .sizes import Sizes
from .value_profile import ValueStats

log = logging.getLogger("neosense_desktop.core.extraction")

T = TypeVar("T")
QUERY_TAG = "/* neosense-run: */"
SchemaResult = tuple[list[Label], list[RelationshipType]]


@dataclass
class Capabilities:
    version: str
    edition: str
    database: str
    value_type: bool  # valueType() exists (5.13+)
    apoc: bool
    # The server speaks Cypher 25 (2025.06+): the schema procedures then give their new
    # output format without the warning they give in Cypher 5.
    cypher_25: bool = False
    scoped_subqueries: bool = True  # `CALL () { }` (5.23+), else the bare `CALL { }`
    # `:$(x)` labels and types read the token lookup index (cypher.plans_dynamic_label_scans):
    # batch_reading sends one text per kind, planned once, whatever the labels.
    dynamic_label_scans: bool = False
    processors: int | None = None  # what the server's JVM reports; None if it would not say


class ActivityProgress:
    """Emits one activity's progress events; a callback that fails never stops the run."""

    def __init__(self, activity: str, callback: ProgressCallback | None) -> None:
        self.activity = activity
        self._callback = callback
        self._t0 = time.monotonic()
        self.total_units = 1
        self.done_units = 0
        self.counts: dict[str, int] = {}

    def emit(self, state: ActivityState, message: str = "", fraction: float | None = None) -> None:
        if self._callback is None:
            return
        if fraction is None:
            fraction = min(1.0, self.done_units / self.total_units) if self.total_units else 1.0
        event = ProgressEvent(
            activity=self.activity,
            state=state,
            fraction=fraction,
            message=message,
            counts=dict(self.counts),
            elapsed_s=round(time.monotonic() - self._t0, 3),
        )
        try:
            self._callback(event)
        except Exception:  # a broken progress consumer must not break the extraction
            log.warning("progress callback failed", exc_info=True)

    def start(self, total_units: int, message: str = "") -> None:
        self._t0 = time.monotonic()
        self.total_units = max(1, total_units)
        self.done_units = 0
        self.emit("running", message or "started", 0.0)

    def add_units(self, extra: int) -> None:
        self.total_units += max(0, extra)

    def advance(self, message: str, units: int = 1, **counts: int) -> None:
        self.done_units += units
        self.counts.update(counts)
        self.emit("running", message)


# Query priorities: lower goes first. Long scans that other work waits for start early.
PRIORITY_LONG_SCAN = -2
PRIORITY_SHARED = -1
PRIORITY_NORMAL = 0
# Rows held at once by a streamed query (read_each): ~1,000 property maps, not millions.
STREAM_FETCH_SIZE = 1_000


class PriorityGate:
    """A semaphore whose waiters are served by (priority, arrival), not arrival alone."""

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    async def acquire(self, priority: int) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._seq), waiter))
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # granted and cancelled at once: pass the slot on
            raise

    def release(self) -> None:
        while self._waiters:
            _, _, waiter = heapq.heappop(self._waiters)
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1


class RunContext:
    """Shared state of one run (or one re-run of an activity)."""

    def __init__(
        self,
        client: GraphClient,
        options: RunOptions,
        sizes: Sizes,
        caps: Capabilities,
        run_id: str,
        on_progress: ProgressCallback | None = None,
        readings: Readings | None = None,
    ) -> None:
        self.client = client
        self.options = options
        self.sizes = sizes
        # How each subject is read: the plan's readings (readings.py), decided once.
        self.readings = readings if readings is not None else decide_readings(options, sizes)
        self.caps = caps
        self.run_id = run_id
        self.marker = f"neosense-run:{run_id}"  # seeds the samplers
        self.on_progress = on_progress
        self.concurrency = effective_concurrency(options.max_concurrent_queries, caps.processors)
        self._gate = PriorityGate(self.concurrency)
        self._shared: dict[str, asyncio.Task[Any]] = {}
        # The schema activity's labels and types, for quality; None when schema did not
        # succeed. The runner resolves it.
        self.schema_result: asyncio.Future[SchemaResult | None] = (
            asyncio.get_running_loop().create_future()
        )
        self.rows_by_activity: dict[str, int] = {}
        # Value statistics per ("label" | "relationship_type", name) -> key, from the
        # schema reads (value_profile.py), for quality's string and key checks.
        self.value_stats: dict[tuple[str, str], dict[str, ValueStats]] = {}
        self.profiles_left = MAX_PROFILES  # the report's bound (report_limits)
        # Per label, what its schema read saw of its nodes' label sets (label_sets.py), for
        # the keys other labels' samples missed and for quality's label combinations.
        self.node_reads: dict[str, NodeRead] = {}

    @property
    def profiles_values(self) -> bool:
        """Whether the schema reads carry the value aggregates: quality runs and the server
        has valueType() (the aggregates rely on type predicates, 5.13+ like valueType)."""
        return "quality_and_context" in self.options.activities and self.caps.value_type

    def reading_of_label(self, name: str) -> Reading:
        return self.readings.label(name)

    def reading_of_type(self, name: str) -> Reading:
        return self.readings.type(name)

    def reading_of(self, kind: OwnerKind, name: str) -> Reading:
        return self.readings.of(kind, name)

    def sample_of(self, reading: Reading) -> Sample | None:
        """The sample `reading` reads, drawn with this run's seed (None: read whole)."""
        return reading.sample(self.marker)

    def profile_sample_of(self, reading: Reading) -> Sample | None:
        """The value statistics' sample of a subject read whole (None: profiled in full)."""
        return reading.profile_sample(self.marker)

    async def schema_outcome(self) -> SchemaResult | None:
        """The schema activity's result; shielded so a waiter's cancel leaves it for others."""
        return await asyncio.shield(self.schema_result)

    async def read(
        self,
        activity: str,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        priority: int = PRIORITY_NORMAL,
    ) -> list[Row]:
        await self._gate.acquire(priority)
        try:
            rows = await self.client.read(
                query_name,
                f"{QUERY_TAG} {cypher}",
                parameters,
                timeout_s=self.options.query_timeout_s,
                metadata={"neosense_run": self.run_id},
            )
        finally:
            self._gate.release()
        self.rows_by_activity[activity] = self.rows_by_activity.get(activity, 0) + len(rows)
        return rows

    async def read_each(
        self,
        activity: str,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
    ) -> int:
        """Like read(), but each row goes to on_row as it arrives and none is kept: for
        queries that return one row per entity (the pre-5.13 property maps)."""
        await self._gate.acquire(PRIORITY_NORMAL)
        try:
            count = await self.client.read_each(
                query_name,
                f"{QUERY_TAG} {cypher}",
                on_row,
                parameters,
                timeout_s=self.options.query_timeout_s,
                metadata={"neosense_run": self.run_id},
                fetch_size=STREAM_FETCH_SIZE,
            )
        finally:
            self._gate.release()
        self.rows_by_activity[activity] = self.rows_by_activity.get(activity, 0) + count
        return count

    def prefetch(self, name: str, factory: Callable[[], Awaitable[Any]]) -> None:
        """Start shared work now, so it is under way before anyone awaits it."""
        if name not in self._shared:
            self._shared[name] = asyncio.ensure_future(_await(factory))

    async def shared(self, name: str, factory: Callable[[], Awaitable[T]]) -> T:
        """Run `factory` once per run however many activities need its result.

        The work is shielded so one waiting activity's cancellation does not cancel it for
        the others; the runner cancels leftovers when the run ends.
        """
        task = self._shared.get(name)
        if task is None:
            task = asyncio.ensure_future(_await(factory))
            self._shared[name] = task
        result: T = await asyncio.shield(task)
        return result

    async def cancel_shared(self) -> None:
        tasks = [t for t in self._shared.values() if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        for t in self._shared.values():
            if t.done() and not t.cancelled():
                t.exception()  # mark retrieved, so asyncio does not log it as lost


async def _await(factory: Callable[[], Awaitable[T]]) -> T:
    return await factory()
