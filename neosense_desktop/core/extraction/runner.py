"""ExtractionRun: probe, plan, then the five activities concurrently, into one Report.

Guarantees:
- one GraphClient per run, released when the run ends, fails or is cancelled: closed with
  its own driver (client_factory), or handed back to its lender (client_lease, the window's
  WarmClients), told how the run ended so that a driver that could not connect is dropped;
- every query READ mode with the run's timeout (GraphClient.read);
- an activity that fails, times out or is cancelled is recorded in report.activities with
  an error record; its partial results stay in the report; the others go on;
- run() raises NeoSenseError only when it cannot connect or authenticate at all, and
  asyncio.CancelledError when the whole run is cancelled; then the activities still running
  are recorded as cancelled in `self.report`, our transactions on the server are terminated
  and the driver is closed;
- results as they arrive: `on_partial` gets a partial report (partial.py) as soon as the
  count store has answered, again once planned, and each time an activity ends (also when
  it fails or is cancelled).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import TypeVar

from ... import __version__
from ..connection import ConnectionSettings
from ..cypher import plans_dynamic_label_scans, supports_scoped_subqueries
from ..errors import CONNECT_ERRORS, ErrorCode, NeoSenseError
from ..graph_client import GraphClient
from ..probe import ProbeResult, probe_connection
from ..report import (
    ActivityError,
    ActivityResult,
    ActivityStatus,
    Label,
    PlanItem,
    RelationshipType,
    Report,
    RunInfo,
    ServerInfo,
)
from .concurrency import describe_concurrency, effective_concurrency
from .context import ActivityProgress, Capabilities, RunContext, SchemaResult, log
from .node_labels import run_node_labels
from .options import ACTIVITY_NAMES, RunOptions
from .partial import PartialCallback, partial_report
from .plan_warmup import WarmupResult, warm_plans
from .planning import make_plan
from .progress import ProgressCallback
from .quality import run_quality
from .readings import Readings, decide_readings
from .relationship_types import run_relationship_types
from .schema import run_schema
from .sizes import Sizes, read_sizes
from .statistics import run_statistics
from .value_types import supports_value_type

ActivityFn = Callable[[RunContext, Report, ActivityProgress], Awaitable[None]]
ClientFactory = Callable[[ConnectionSettings, str, float], GraphClient]
# Lends a client for one run: entered when the run first needs the server, exited with the
# exception that ended the run (or none).
ClientLease = Callable[[ConnectionSettings, str, float], AbstractAsyncContextManager[GraphClient]]

ACTIVITIES: dict[str, ActivityFn] = {
    "node_labels": run_node_labels,
    "relationship_types": run_relationship_types,
    "schema": run_schema,
    "quality_and_context": run_quality,
    "statistics_and_indexes": run_statistics,
}

TERMINATE_GRACE_S = 5.0


def new_run_id() -> str:
    """Sortable and unique: UTC time plus random bits, safe as a file name."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


# The probe and the O(1) sizing queries get at least this timeout, so a tiny activity timeout
# (e.g. to force sampled-mode habits) cannot make the server look unreachable.
PROBE_TIMEOUT_S = 15.0


def default_client_factory(
    settings: ConnectionSettings, password: str, query_timeout_s: float
) -> GraphClient:
    return GraphClient(settings, password, query_timeout_s=query_timeout_s)


def owned_clients(client_factory: ClientFactory) -> ClientLease:
    """A lease whose client is the run's own: made for the run, closed with it."""

    @asynccontextmanager
    async def lease(
        settings: ConnectionSettings, password: str, query_timeout_s: float
    ) -> AsyncIterator[GraphClient]:
        async with client_factory(settings, password, query_timeout_s) as client:
            yield client

    return lease


class ExtractionRun:
    """One extraction against one database.

    Attributes:
        report: the report being built (also after a cancelled run, with the activities
            that were still running recorded as cancelled); None before run().
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        password: str,
        options: RunOptions,
        *,
        on_progress: ProgressCallback | None = None,
        client_factory: ClientFactory | None = None,
        client_lease: ClientLease | None = None,
        use_value_type: bool | None = None,
        on_partial: PartialCallback | None = None,
    ) -> None:
        self.settings = settings
        self._password = password
        self.options = options
        self.on_progress = on_progress
        # Set it after construction too (the window does: its run factories predate it).
        self.on_partial = on_partial
        if client_lease is not None and client_factory is not None:
            raise ValueError("give a client_factory or a client_lease, not both")
        self._client_lease = client_lease or owned_clients(client_factory or default_client_factory)
        self._lease: AbstractAsyncContextManager[GraphClient] | None = None
        self._use_value_type = use_value_type  # None: decide from the server version
        self._client: GraphClient | None = None
        self._probe: ProbeResult | None = None
        self._sizes: Sizes | None = None
        self._sizes_error: NeoSenseError | None = None
        self._plan: list[PlanItem] | None = None
        self._readings: Readings | None = None
        self.run_id = new_run_id()
        self.report: Report | None = None

    # -- lifecycle -------------------------------------------------------------------
    async def __aenter__(self) -> ExtractionRun:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose(exc)

    async def aclose(self, error: BaseException | None = None) -> None:
        """Release the client; `error` is what ended the run, so that a lender can drop a
        driver that could not connect."""
        lease, self._lease, self._client = self._lease, None, None
        if lease is not None:
            await lease.__aexit__(
                type(error) if error is not None else None,
                error,
                error.__traceback__ if error is not None else None,
            )

    async def _get_client(self) -> GraphClient:
        if self._client is None:
            # Activities pass their own timeout on every query (RunContext.read); this one
            # is the probe's and the sizing's.
            lease = self._client_lease(
                self.settings, self._password, max(self.options.query_timeout_s, PROBE_TIMEOUT_S)
            )
            self._client = await lease.__aenter__()
            self._lease = lease
        return self._client

    # -- probe and plan ----------------------------------------------------------------
    async def plan(self) -> list[PlanItem]:
        """Probe the server, read the sizes (O(1)) and plan each activity. Cheap; cached."""
        await self._prepare()
        if self._sizes_error is not None:
            raise self._sizes_error
        assert self._plan is not None
        return list(self._plan)

    async def _prepare(self, *, refresh: bool = False) -> None:
        if self._probe is not None and not refresh:
            return
        client = await self._get_client()
        # The first labels wait on the probe: one ping (the latency is only logged here); APOC
        # and the processor count go out with its first read, so they cost no round trip.
        # (A run needs APOC's presence, not its version: a round trip less.)
        self._probe = await probe_connection(client, pings=1, apoc_version=False)  # raises
        try:
            self._sizes = await read_sizes(
                lambda name, cypher, params: client.read(name, cypher, params),
                scoped=supports_scoped_subqueries(self._probe.version),
                sample_size=self.options.sample_size,
                on_counts=None if refresh else self._publish_counts,
            )
            self._sizes_error = None
            # Decided once: the plan shown words these readings, and the run reads them.
            self._readings = decide_readings(self.options, self._sizes)
            self._plan = make_plan(self.options, self._sizes, self._readings)
        except NeoSenseError as exc:
            if exc.code in CONNECT_ERRORS:
                raise
            self._sizes, self._plan, self._readings = None, [], None
            self._sizes_error = exc.with_context(activity="plan")
        processor_count = self._probe.processors
        log.info(
            "run.concurrency run_id=%s queries=%d requested=%s processors=%s",
            self.run_id,
            self.concurrency,
            self.options.max_concurrent_queries or "auto",
            processor_count if processor_count is not None else "unknown",
        )

    async def warm_plans(self) -> WarmupResult:
        """Have the server plan the texts this plan's run will send (plan_warmup.py),
        on the sizes and readings plan() decided: for the idle time before F5.
        Nothing when the run could not be planned. Raises only CancelledError."""
        try:
            await self._prepare()
            client = await self._get_client()
        except Exception as exc:  # a warm-up is a courtesy: never the user's error
            log.info("plan warm-up skipped: %s", exc)
            return WarmupResult()
        if self._sizes is None or self._readings is None:
            return WarmupResult()
        return await warm_plans(
            client,
            self.options,
            self._sizes,
            self._readings,
            self._capabilities(),
            run_id=self.run_id,
        )

    @property
    def probed(self) -> ProbeResult | None:
        """What plan()'s probe found of the server; None before plan()."""
        return self._probe

    @property
    def processors(self) -> int | None:
        """The server's processor count as probed; None before plan() or when unknown."""
        return self._probe.processors if self._probe is not None else None

    @property
    def concurrency(self) -> int:
        """Queries this run keeps in flight (known for auto once plan() has probed)."""
        return effective_concurrency(self.options.max_concurrent_queries, self.processors)

    def concurrency_text(self) -> str:
        """The plan's line about it: '4 queries at a time (auto; server reports 2 ...)'."""
        return describe_concurrency(
            self.concurrency, self.processors, self.options.max_concurrent_queries
        )

    def _capabilities(self) -> Capabilities:
        assert self._probe is not None
        value_type = (
            self._use_value_type
            if self._use_value_type is not None
            else supports_value_type(self._probe.version)
        )
        return Capabilities(
            version=self._probe.version,
            edition=self._probe.edition,
            database=self._probe.database,
            value_type=value_type,
            apoc=self._probe.apoc_present,
            cypher_25=self._probe.speaks_cypher_25,
            scoped_subqueries=supports_scoped_subqueries(self._probe.version),
            dynamic_label_scans=plans_dynamic_label_scans(self._probe.version),
            processors=self._probe.processors,
        )

    def _new_report(self, started_at: datetime) -> Report:
        assert self._probe is not None
        return Report(
            run=RunInfo(
                id=self.run_id,
                started_at=started_at,
                mode=self.options.mode,
                sample_size=self.options.sample_size,
                app_version=__version__,
                query_timeout_s=self.options.query_timeout_s,
                exact_threshold=self.options.exact_threshold,
                values=self.options.values,
                concurrent_queries=self.concurrency,
                concurrent_queries_requested=self.options.max_concurrent_queries or "auto",
            ),
            server=ServerInfo(
                address=self.settings.address,
                version=self._probe.version,
                edition=self._probe.edition,
                database=self._probe.database,
                apoc_present=self._probe.apoc_present,
                default_language=self._probe.default_language,
                cypher_versions=list(self._probe.cypher_versions),
                processors=self._probe.processors,
            ),
            plan=list(self._plan or []),
        )

    # -- the run -----------------------------------------------------------------------
    async def run(self) -> Report:
        """Run every chosen activity concurrently; return the report (see module doc)."""
        if self.report is not None:
            self.run_id = new_run_id()  # a second run of this object is a new run
        started_at = datetime.now(UTC)
        t0 = time.monotonic()
        log.info(
            "run.start run_id=%s address=%s database=%s mode=%s sample_size=%d timeout_s=%s",
            self.run_id,
            self.settings.address,
            self.settings.database or "(default)",
            self.options.mode,
            self.options.sample_size,
            self.options.query_timeout_s,
        )
        try:
            await self._prepare()
            report = self._new_report(started_at)
            self.report = report
            self._mark_skipped(report)
            self._publish(report)  # the count store's labels and types, before any activity
            await self._run_activities(report, list(self.options.activities))
        except BaseException as exc:
            await self.aclose(exc)
            raise
        await self.aclose()
        report.run.finished_at = datetime.now(UTC)
        report.run.duration_s = round(time.monotonic() - t0, 3)
        self._log_summary(report)
        return report

    async def rerun_activity(self, report: Report, activity: str) -> Report:
        """Run one activity again and merge it into a copy of `report`."""
        if activity not in ACTIVITY_NAMES:
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                f"Unknown activity '{activity}'; choose from: {', '.join(ACTIVITY_NAMES)}.",
            )
        merged = report.model_copy(deep=True)
        self.report = merged
        try:
            await self._prepare(refresh=True)
            if self._plan is not None:
                merged.plan = [p for p in merged.plan if p.activity != activity] + [
                    p for p in self._plan if p.activity == activity
                ]
            await self._run_activities(merged, [activity], previous=report)
        except BaseException as exc:
            await self.aclose(exc)
            raise
        await self.aclose()
        merged.notes.append(
            f"Activity {activity} re-run at {datetime.now(UTC).isoformat(timespec='seconds')}."
        )
        return merged

    async def _run_activities(
        self, report: Report, activities: list[str], previous: Report | None = None
    ) -> None:
        for name in ACTIVITY_NAMES:
            if name not in activities and name not in report.activities:
                report.activities[name] = ActivityResult(status=ActivityStatus.SKIPPED)
        if self._sizes is None:
            # Counting failed: nothing can be planned, so every activity fails with that cause.
            err = self._sizes_error or NeoSenseError(ErrorCode.INTERNAL, "no sizes")
            for name in activities:
                report.activities[name] = ActivityResult(
                    status=ActivityStatus.FAILED, error=_error_record(err, name, 0.0)
                )
            return
        ctx = RunContext(
            await self._get_client(),
            self.options,
            self._sizes,
            self._capabilities(),
            run_id=self.run_id,
            on_progress=self.on_progress,
            readings=self._readings,
        )
        if "schema" not in activities:
            ctx.schema_result.set_result(_schema_from_report(previous))
        tasks = [
            asyncio.create_task(self._run_activity(ctx, name, report), name=f"neosense:{name}")
            for name in activities
        ]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await ctx.cancel_shared()
            await self._terminate_own_transactions(ctx)
            raise
        await ctx.cancel_shared()

    async def _run_activity(self, ctx: RunContext, name: str, report: Report) -> None:
        progress = ActivityProgress(name, ctx.on_progress)
        scratch = Report(run=report.run, server=report.server)
        t0 = time.monotonic()
        log.info("activity.start run_id=%s activity=%s", self.run_id, name)
        status = ActivityStatus.SUCCEEDED
        error: ActivityError | None = None
        cancelled = False
        try:
            await ACTIVITIES[name](ctx, scratch, progress)
        except asyncio.CancelledError:
            cancelled = True
            status = ActivityStatus.CANCELLED
            error = _error_record(
                NeoSenseError(ErrorCode.CANCELLED, f"The activity {name} was cancelled."),
                name,
                time.monotonic() - t0,
                ctx.client.context(),
            )
        except NeoSenseError as exc:
            status = ActivityStatus.FAILED
            error = _error_record(exc, name, time.monotonic() - t0)
        except Exception as exc:  # a bug in one activity must not take the others down
            log.exception("activity %s crashed", name)
            status = ActivityStatus.FAILED
            error = _error_record(
                NeoSenseError(
                    ErrorCode.INTERNAL, f"The activity {name} failed: {type(exc).__name__}: {exc}"
                ),
                name,
                time.monotonic() - t0,
                ctx.client.context(),
            )
        duration = round(time.monotonic() - t0, 3)
        merge_activity(report, scratch, name)
        report.activities[name] = ActivityResult(status=status, duration_s=duration, error=error)
        self._publish(report)
        if name == "schema" and not ctx.schema_result.done():
            ctx.schema_result.set_result(
                (scratch.labels, scratch.relationship_types)
                if status is ActivityStatus.SUCCEEDED
                else None
            )
        log.log(
            logging.INFO if status is ActivityStatus.SUCCEEDED else logging.WARNING,
            "activity.end run_id=%s activity=%s status=%s duration_s=%.3f rows=%d%s",
            self.run_id,
            name,
            status.value,
            duration,
            ctx.rows_by_activity.get(name, 0),
            f" error={error.code}" if error else "",
        )
        progress.emit(status.value, error.message if error else "done", 1.0)
        if cancelled:
            raise asyncio.CancelledError

    def _publish(self, report: Report, sizes: Sizes | None = None) -> None:
        """Hand what the run knows so far to on_partial; a callback that fails never stops
        the run (it is the consumer's bug, logged)."""
        if self.on_partial is None:
            return
        try:
            self.on_partial(partial_report(report, sizes or self._sizes))
        except Exception:
            log.exception("the partial-results callback failed (run_id=%s)", self.run_id)

    def _publish_counts(self, sizes: Sizes) -> None:
        """The first partial, as soon as the count store has answered (before the id-space
        probes and the plan): the labels and types with their counts."""
        if self.on_partial is not None:
            report = self._new_report(datetime.now(UTC))
            self._mark_skipped(report)
            self._publish(report, sizes)

    def _mark_skipped(self, report: Report) -> None:
        for name in ACTIVITY_NAMES:  # not chosen: not pending either
            if name not in self.options.activities and name not in report.activities:
                report.activities[name] = ActivityResult(status=ActivityStatus.SKIPPED)

    async def _terminate_own_transactions(self, ctx: RunContext) -> None:
        """Belt and braces after a cancel: end this run's transactions still on the server.

        The driver drops the connection of a cancelled query, and the server then stops its
        transaction; this makes sure of it, and waits until SHOW TRANSACTIONS no longer
        lists any of them. Failures are logged: the run is being cancelled anyway.
        """
        client = ctx.client
        find = (
            "SHOW TRANSACTIONS YIELD transactionId, metaData "
            "WHERE metaData.neosense_run = $run RETURN transactionId"
        )
        try:
            async with asyncio.timeout(TERMINATE_GRACE_S):
                while True:
                    rows = await client.read(
                        "cancel.find_transactions", find, {"run": ctx.run_id}, timeout_s=2.0
                    )
                    ids = [r["transactionId"] for r in rows]
                    if not ids:
                        return
                    await client.read(
                        "cancel.terminate_transactions",
                        "TERMINATE TRANSACTIONS $ids",
                        {"ids": ids},
                        timeout_s=2.0,
                    )
                    await asyncio.sleep(0.05)
        except (NeoSenseError, TimeoutError) as exc:
            log.warning("could not confirm the cancelled run's transactions ended: %s", exc)

    def _log_summary(self, report: Report) -> None:
        statuses = ",".join(f"{k}:{v.status.value}" for k, v in report.activities.items())
        segments = sum(1 for c in report.label_combinations if len(c.labels) > 1)
        log.info(
            "run.summary run_id=%s nodes=%s relationships=%s labels=%d types=%d "
            "quality_score=%s label_segments=%d multi_label_segments=%d duration_s=%s "
            "activities=%s",
            report.run.id,
            report.statistics.node_count,
            report.statistics.relationship_count,
            len(report.labels),
            len(report.relationship_types),
            report.quality.score,
            len(report.label_combinations),
            segments,
            report.run.duration_s,
            statuses,
        )


def _schema_from_report(report: Report | None) -> SchemaResult | None:
    if report is None:
        return None
    result = report.activities.get("schema")
    if result is None or result.status is not ActivityStatus.SUCCEEDED:
        return None
    return (list(report.labels), list(report.relationship_types))


def _error_record(
    exc: NeoSenseError, activity: str, elapsed_s: float, base: dict[str, object] | None = None
) -> ActivityError:
    context: dict[str, object] = dict(base or {})
    context.update(exc.context)
    context["activity"] = activity
    context.setdefault("elapsed_s", round(elapsed_s, 3))
    return ActivityError(
        code=exc.code.value,
        message=exc.message,
        context=context,
        suggestions=list(exc.suggestions),
    )


Named = TypeVar("Named", Label, RelationshipType)


def _merge_named(
    target: list[Named],
    scratch: list[Named],
    fields: tuple[str, ...],
    *,
    owns_names: bool,
) -> list[Named]:
    """The target's items with `fields` taken from the scratch's item of the same name, the
    scratch's new items added. owns_names: the activity lists every item there is (the
    label or type counts), so an item its re-run no longer returns is gone from the
    database and leaves the report; otherwise such an item keeps its name (another
    activity's) but loses these fields, which would be stale."""
    fresh = {x.name: x for x in scratch}
    kept: list[Named] = []
    for item in target:
        new = fresh.pop(item.name, None)
        if new is None:
            if owns_names:
                continue
            for name in fields:
                setattr(
                    item, name, type(item).model_fields[name].get_default(call_default_factory=True)
                )
        else:
            for name in fields:
                setattr(item, name, getattr(new, name))
        kept.append(item)
    kept.extend(x.model_copy(deep=True) for x in fresh.values())
    return kept


# What each activity's re-run replaces: (the labels' fields, the types' fields, whether it
# lists every label and type there is).
_NAMED_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "node_labels": (("count", "count_provenance"), (), True),
    "relationship_types": ((), ("count", "count_provenance", "patterns"), True),
    "schema": (("properties", "sample_limit"), ("properties", "sample_limit"), False),
}
_SECTIONS: dict[str, tuple[str, ...]] = {
    "quality_and_context": ("quality", "label_combinations"),
    "statistics_and_indexes": ("statistics", "indexes", "constraints"),
}


def merge_activity(target: Report, scratch: Report, activity: str) -> None:
    """Copy one activity's results from its scratch report into the run's report.

    Each activity owns its fields, so merging a re-run replaces exactly what it produced,
    and what the re-run no longer finds does not stay behind with its old numbers.
    """
    if activity in _NAMED_FIELDS:
        label_fields, type_fields, owns_names = _NAMED_FIELDS[activity]
        if label_fields:
            target.labels = _merge_named(
                target.labels, scratch.labels, label_fields, owns_names=owns_names
            )
        if type_fields:
            target.relationship_types = _merge_named(
                target.relationship_types,
                scratch.relationship_types,
                type_fields,
                owns_names=owns_names,
            )
    for section in _SECTIONS.get(activity, ()):
        setattr(target, section, getattr(scratch, section))
    target.labels.sort(key=lambda x: x.name)
    target.relationship_types.sort(key=lambda x: x.name)
    for note in scratch.notes:
        if note not in target.notes:
            target.notes.append(note)
