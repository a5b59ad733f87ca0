"""The real GraphClient with one injected fault each, for tests of failure handling.

Each talks to the real server; only the named queries are changed, so the rest of a run
behaves exactly as in production.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.graph_client import GraphClient, Row


class RefusingClient(GraphClient):
    """The real client, except that the queries `refuses` picks fail with `error`."""

    code = ErrorCode.QUERY_FAILED
    message = "injected failure"

    def refuses(self, query_name: str, cypher: str) -> bool:
        raise NotImplementedError

    async def read_each(
        self,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> int:
        # read() goes through read_each(), so this refuses both kinds of query.
        if self.refuses(query_name, cypher):
            raise NeoSenseError(
                self.code, f"{self.message} ({query_name})", context=self.context(query=query_name)
            )
        return await super().read_each(query_name, cypher, on_row, parameters, **kw)


class FailingSchemaClient(RefusingClient):
    """Every schema query fails as a broken query would."""

    def refuses(self, query_name: str, cypher: str) -> bool:
        return query_name.startswith("schema.")


class RefusedExplainClient(RefusingClient):
    """The server refuses every EXPLAIN (a plan warm-up's) and runs everything else."""

    code = ErrorCode.PERMISSION_DENIED
    message = "EXPLAIN refused (injected)"

    def refuses(self, query_name: str, cypher: str) -> bool:
        return cypher.startswith("EXPLAIN ")


class NoAdminProceduresClient(RefusingClient):
    """Admin-only procedures are refused, as they are for a read-only account (Community
    has no roles, so no such account can be made on it)."""

    code = ErrorCode.PERMISSION_DENIED
    message = "Executing admin procedure 'db.stats.retrieve' permission has not been granted"

    def refuses(self, query_name: str, cypher: str) -> bool:
        return "db.stats." in cypher


class NoSchemaProceduresClient(RefusingClient):
    """db.schema.* procedures are refused (revoked from the account), so an exact run must
    type values itself."""

    code = ErrorCode.PERMISSION_DENIED
    message = "Executing procedure is not allowed for user 'reader'"

    def refuses(self, query_name: str, cypher: str) -> bool:
        return "db.schema." in cypher


class NoJmxClient(RefusingClient):
    """dbms.queryJmx is refused, as on Aura or for an account RBAC keeps from it."""

    code = ErrorCode.PERMISSION_DENIED
    message = "Executing procedure 'dbms.queryJmx' is not allowed for user 'reader'"

    def refuses(self, query_name: str, cypher: str) -> bool:
        return "dbms.queryJmx" in cypher


class InFlightClient(GraphClient):
    """The real client, counting the run's queries in flight at once (those that carry the
    run's transaction metadata: every query an activity sends through the run's gate; the
    probe and the O(1) sizing before the activities are not gated and not counted)."""

    in_flight = 0
    peak = 0
    run_queries = 0

    @classmethod
    def reset(cls) -> None:
        cls.in_flight = cls.peak = cls.run_queries = 0

    async def read_each(
        self,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> int:
        metadata = kw.get("metadata") or {}
        if "neosense_run" not in metadata:
            return await super().read_each(query_name, cypher, on_row, parameters, **kw)
        cls = InFlightClient
        cls.in_flight += 1
        cls.run_queries += 1
        cls.peak = max(cls.peak, cls.in_flight)
        try:
            return await super().read_each(query_name, cypher, on_row, parameters, **kw)
        finally:
            cls.in_flight -= 1


class SlowCensusClient(GraphClient):
    """The real client; the node census becomes a query that runs far past a 0.5 s timeout,
    so the server itself stops it (its transaction monitor checks every ~2 s)."""

    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> list[Row]:
        if query_name.startswith("census."):
            kw["timeout_s"] = 0.5
            cypher = (
                "UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 "
                "RETURN [] AS labels, 0 AS degree, count(*) AS nodes"
            )
        return await super().read(query_name, cypher, parameters, **kw)


class HeldQueriesClient(GraphClient):
    """The real client; a query whose name starts with a prefix given to hold() waits until
    that prefix's event is set, so a run stops at a known point. Holding "census." holds
    quality_and_context and statistics_and_indexes (they wait on the node census) while
    node_labels, relationship_types and schema finish; "schema." holds the schema."""

    holds: dict[str, asyncio.Event] = {}  # noqa: RUF012  (set by hold() before each run)

    @classmethod
    def hold(cls, *prefixes: str) -> dict[str, asyncio.Event]:
        cls.holds = {prefix: asyncio.Event() for prefix in prefixes}
        return cls.holds

    async def read_each(
        self,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> int:
        for prefix, release in HeldQueriesClient.holds.items():
            if query_name.startswith(prefix):
                await release.wait()
        return await super().read_each(query_name, cypher, on_row, parameters, **kw)


def client_factory(
    cls: type[GraphClient],
) -> Callable[[ConnectionSettings, str, float], GraphClient]:
    """An ExtractionRun client_factory that makes `cls` clients."""

    def make(settings: ConnectionSettings, password: str, timeout: float) -> GraphClient:
        return cls(settings, password, query_timeout_s=timeout)

    return make


class RecordingClient(GraphClient):
    """The real client; `sent` holds the name of every query it was asked to send, in order."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.sent: list[str] = []

    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> list[Row]:
        self.sent.append(query_name)
        return await super().read(query_name, cypher, parameters, **kw)


class OldServerClient(RecordingClient):
    """The real client, except that dbms.components() reports `version` (e.g. 4.4.30): a
    server we cannot run here. Records the name of every query it was asked to send."""

    version = "4.4.30"

    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> list[Row]:
        rows = await super().read(query_name, cypher, parameters, **kw)
        if query_name == "components":
            return [{"name": "Neo4j Kernel", "versions": [self.version], "edition": "community"}]
        return rows


class HeldExplainClient(GraphClient):
    """The real client; every EXPLAIN (a warm-up's) is held until it is cancelled, so a
    journey can press F5 while a warm-up is certainly still under way.

    Class attributes (reset them per test): sent, every text asked for; held, the query
    names of the EXPLAINs held.
    """

    sent: ClassVar[list[str]] = []
    held: ClassVar[list[str]] = []

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.held.clear()

    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> list[Row]:
        HeldExplainClient.sent.append(cypher)
        if cypher.startswith("EXPLAIN "):
            HeldExplainClient.held.append(query_name)
            await asyncio.Event().wait()  # only a cancel ends it
        return await super().read(query_name, cypher, parameters, **kw)
