"""The connection probe ("Test connection"): who is the server, and can we read from it."""

from __future__ import annotations

import asyncio
import logging
import re
import statistics
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

from pydantic import BaseModel, Field

from .errors import ErrorCode, NeoSenseError
from .graph_client import GraphClient

log = logging.getLogger(__name__)

# What NeoSense reads: Neo4j 5.x (5.26 LTS tested) and the calendar versions (2025.01 on;
# 2026.08 tested). 4.4 and older lack the schema procedures' and Cypher's 5.x forms.
SUPPORTED_SERVERS = "Neo4j 5.x (5.26 LTS tested) or a calendar version from 2025.01 on"
DEFAULT_LANGUAGE = "CYPHER 5"  # servers without SHOW DATABASE's defaultLanguage speak only it


class DatabaseInfo(BaseModel):
    name: str
    status: str = ""
    default: bool = False
    home: bool = False
    access: str = ""
    default_language: str = DEFAULT_LANGUAGE


class ProbeResult(BaseModel):
    """What Test connection shows."""

    address: str = Field(description="host:port, never credentials")
    version: str
    edition: str
    database: str = Field(description="the database the probe read from")
    databases: list[DatabaseInfo]
    apoc_present: bool
    apoc_version: str | None = None
    latency_ms: float = Field(description="median round trip of RETURN 1")
    cypher_versions: list[str] = Field(
        default_factory=lambda: ["5"], description="Cypher versions the server speaks"
    )
    default_language: str = Field(
        default=DEFAULT_LANGUAGE, description="the probed database's default Cypher language"
    )
    processors: int | None = Field(
        default=None,
        description="processors the server's JVM reports; null when it would not say",
    )

    @property
    def speaks_cypher_25(self) -> bool:
        return "25" in self.cypher_versions

    @property
    def apoc_text(self) -> str:
        """'APOC 5.26.19', 'no APOC', or, for a run's probe (which does not read the
        version), 'APOC (version not read)'."""
        if not self.apoc_present:
            return "no APOC"
        return f"APOC {self.apoc_version or '(version not read)'}"

    def summary(self) -> str:
        apoc = self.apoc_text
        return (
            f"Neo4j {self.version} {self.edition} at {self.address}, database "
            f"'{self.database}', {len(self.databases)} database(s), {apoc}, "
            f"{self.latency_ms:.1f} ms round trip, default language {self.default_language}"
            + (f", {self.processors} processors" if self.processors else "")
        )


def server_major_version(version: str) -> int | None:
    """5 for '5.26.19', 2026 for '2026.08.1', 4 for '4.4.30'; None when unreadable."""
    match = re.match(r"\s*(\d+)\.", version)
    return int(match.group(1)) if match else None


def has_default_language(agent: str | None) -> bool | None:
    """Whether SHOW DATABASES has the defaultLanguage column (2025.06 on), from the agent
    string the server gave when the connection was made ("Neo4j/2026.08.1"); None when it
    names no version (then the probe asks dbms.components() first, a round trip more)."""
    match = re.fullmatch(r"Neo4j/(\d+)\.(\d+)(?:\.\d+)?(?:[-+ ].*)?", (agent or "").strip())
    if match is None:
        return None
    return (int(match.group(1)), int(match.group(2))) >= (2025, 6)


def check_supported(version: str, address: str) -> None:
    """Refuse a server older than 5.x before any run starts, naming what was found."""
    major = server_major_version(version)
    if major is not None and major < 5:
        raise NeoSenseError(
            ErrorCode.SERVER_UNSUPPORTED,
            f"The server at {address} runs Neo4j {version}, which NeoSense does not support. "
            f"It reads {SUPPORTED_SERVERS}.",
            context={"address": address, "server_version": version},
        )


COMPONENTS_QUERY = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
)

T = TypeVar("T")


class _InFlight:
    """The probe's reads, all sent at once; settle() cancels those still running when one
    fails, and retrieves every outcome, so a read that failed after an earlier one's error
    is not logged as "never retrieved" (the earlier error is what the user sees)."""

    def __init__(self) -> None:
        self._tasks: list[asyncio.Future[Any]] = []

    def start(self, read: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        task = asyncio.ensure_future(read)
        self._tasks.append(task)
        return task

    def settle(self) -> None:
        for task in self._tasks:
            if not task.done():
                task.cancel()
            task.add_done_callback(lambda t: t.cancelled() or t.exception())


async def probe_connection(
    client: GraphClient, *, pings: int = 3, apoc_version: bool = True
) -> ProbeResult:
    """Verify the connection, then read version, databases, APOC and latency.

    `pings` round trips of RETURN 1 measure the latency (its median): Test connection shows
    it; a run, which only logs it, asks for one, since the window waits on its probe.

    Raises NeoSenseError (auth, unreachable, TLS, bad URI, database missing, timeout).
    """
    await client.verify()
    # Every read goes out at once (a run waits for the probe before its first labels, and
    # on a slow link each serial step costs a round trip). SHOW DATABASES takes its columns
    # (defaultLanguage from 2025.06) from the agent string verify() kept, not from the
    # version components() will give. The ping goes to the database asked for, or the
    # home database, which the database list then names. Results are looked at in the
    # order their errors matter.
    asked = client.database or None  # None: the user's home database
    latencies: list[float] = []
    reads = _InFlight()
    comps_task = reads.start(client.read("components", COMPONENTS_QUERY, database="system"))
    ping_task = reads.start(_ping(client, asked, max(pings, 1), latencies))
    apoc_task = reads.start(probe_apoc(client, asked, version=apoc_version))
    processors_task = reads.start(probe_processors(client, asked))
    agent_languages = has_default_language(client.server_agent)
    databases_task = (
        None if agent_languages is None else reads.start(_databases(client, agent_languages))
    )
    try:
        version, edition, cypher_versions = _server_components(await comps_task)
        check_supported(version, client.settings.address)
        if databases_task is None:  # an agent string without a version: ask after all
            databases_task = reads.start(_databases(client, "25" in cypher_versions))
        databases = await _visible_databases(databases_task)
        database = _probed_database(client, databases)
        await ping_task
        apoc_present, apoc_found = await apoc_task
        processors = await processors_task
    finally:
        reads.settle()
    return ProbeResult(
        address=client.settings.address,
        version=version,
        edition=edition,
        database=database or "(default)",
        databases=databases,
        apoc_present=apoc_present,
        apoc_version=apoc_found,
        latency_ms=round(statistics.median(latencies), 2),
        cypher_versions=cypher_versions,
        default_language=next(
            (d.default_language for d in databases if d.name == database), DEFAULT_LANGUAGE
        ),
        processors=processors,
    )


async def _ping(
    client: GraphClient, database: str | None, pings: int, latencies: list[float]
) -> None:
    """`pings` round trips of RETURN 1, one after another; each one's milliseconds."""
    for _ in range(pings):
        t0 = time.perf_counter()
        await client.read("ping", "RETURN 1 AS ok", database=database)
        latencies.append((time.perf_counter() - t0) * 1000)


async def _databases(client: GraphClient, languages: bool) -> list[dict[str, Any]]:
    """SHOW DATABASES, with the defaultLanguage column when the server has it."""
    columns = "name, currentStatus, default, home, access" + (
        ", defaultLanguage" if languages else ""
    )
    return await client.read(
        "databases", f"SHOW DATABASES YIELD {columns} RETURN {columns}", database="system"
    )


def _server_components(comps: list[dict[str, Any]]) -> tuple[str, str, list[str]]:
    """(version, edition, Cypher versions) from dbms.components()."""
    kernel = next((r for r in comps if r["name"] == "Neo4j Kernel"), comps[0] if comps else None)
    version = str(kernel["versions"][0]) if kernel and kernel["versions"] else "unknown"
    edition = str(kernel["edition"]) if kernel else "unknown"
    # 2025.06 on lists the Cypher versions it speaks ("5", "25") as a component.
    cypher = next((r for r in comps if r["name"] == "Cypher"), None)
    cypher_versions = [str(v) for v in cypher["versions"]] if cypher else ["5"]
    return version, edition, cypher_versions


async def _visible_databases(rows_read: asyncio.Future[list[dict[str, Any]]]) -> list[DatabaseInfo]:
    """The databases SHOW DATABASES lists, once each; none when this user may not list them."""
    try:
        rows = await rows_read
    except NeoSenseError as exc:
        if exc.code is not ErrorCode.PERMISSION_DENIED:
            raise
        rows = []
    databases: list[DatabaseInfo] = []
    seen: set[str] = set()
    for r in rows:  # clustered servers list a database once per member
        if r["name"] in seen:
            continue
        seen.add(r["name"])
        databases.append(
            DatabaseInfo(
                name=r["name"],
                status=r["currentStatus"] or "",
                default=bool(r["default"]),
                home=bool(r["home"]),
                access=r["access"] or "",
                default_language=str(r.get("defaultLanguage") or DEFAULT_LANGUAGE),
            )
        )
    return databases


def _probed_database(client: GraphClient, databases: list[DatabaseInfo]) -> str:
    """The database asked for, or the user's home (else default) one; "" when unknown.
    Refuses a database asked for that the list (when the user may read it) lacks."""
    wanted = client.database
    if not wanted:
        home = [d for d in databases if d.home] or [d for d in databases if d.default]
        return home[0].name if home else ""
    if databases and wanted not in {d.name for d in databases}:
        raise NeoSenseError(
            ErrorCode.DATABASE_MISSING,
            f"The database '{wanted}' does not exist on {client.settings.address}. "
            f"This user sees: "
            f"{', '.join(d.name for d in databases if d.name != 'system')}.",
            context=client.context(query="databases"),
        )
    return wanted


async def probe_apoc(
    client: GraphClient, database: str | None, *, version: bool = True
) -> tuple[bool, str | None]:
    """(APOC present, its version); the version is "unknown" if APOC will not say, and
    None when not asked for (`version` False: a run, which needs only the presence, saves
    the second round trip). Absent, or this user may not list functions: (False, None).

    apoc.version is a function (SHOW PROCEDURES never lists it: APOC looked absent on every
    server until this looked among the functions)."""
    try:
        rows = await client.read(
            "apoc",
            "SHOW FUNCTIONS YIELD name WHERE name = 'apoc.version' RETURN count(*) AS n",
            database=database,
        )
        if not rows or not rows[0]["n"]:
            return False, None
        if not version:
            return True, None
        v = await client.read("apoc.version", "RETURN apoc.version() AS v", database=database)
        return True, str(v[0]["v"]) if v else "unknown"
    except NeoSenseError as exc:
        if exc.code is not ErrorCode.PERMISSION_DENIED:
            raise
    return False, None


PROCESSORS_QUERY = (
    "CALL dbms.queryJmx('java.lang:type=OperatingSystem') YIELD attributes "
    "RETURN attributes.AvailableProcessors.value AS cores"
)
PROCESSORS_TIMEOUT_S = 5.0


async def probe_processors(client: GraphClient, database: str | None) -> int | None:
    """The processors the server's JVM may use (its OperatingSystem MBean), or None.

    One O(1) call, not admin-only on Community 5.26 and 2026.08. The count only tunes how
    many queries a run keeps in flight (extraction/concurrency.py), so any failure (no such
    procedure, refused on Aura or by RBAC, a timeout, an odd value) means "unknown", logged
    at debug: never an error the user sees, never a failed run. A cluster member's count is
    that member's.
    """
    try:
        rows = await client.read(
            "server.processors",
            PROCESSORS_QUERY,
            database=database,
            timeout_s=PROCESSORS_TIMEOUT_S,
        )
    except Exception as exc:  # optional: any failure is "unknown", never the run's error
        log.debug(
            "server processor count unknown: %s (address=%s database=%s)",
            exc,
            client.settings.address,
            database or "(default)",
        )
        return None
    value = rows[0].get("cores") if rows else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    log.debug(
        "server processor count unknown: the server answered %r (address=%s)",
        value,
        client.settings.address,
    )
    return None
