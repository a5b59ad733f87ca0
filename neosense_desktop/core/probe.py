"""The connection probe ("Test connection"): who is the server, and can we read from it."""

from __future__ import annotations

import statistics
import time

from pydantic import BaseModel, Field

from .errors import ErrorCode, NeoSenseError
from .graph_client import GraphClient


class DatabaseInfo(BaseModel):
    name: str
    status: str = ""
    default: bool = False
    home: bool = False
    access: str = ""


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

    def summary(self) -> str:
        apoc = f"APOC {self.apoc_version}" if self.apoc_present else "no APOC"
        return (
            f"Neo4j {self.version} {self.edition} at {self.address}, database "
            f"'{self.database}', {len(self.databases)} database(s), {apoc}, "
            f"{self.latency_ms:.1f} ms round trip"
        )


async def probe_connection(client: GraphClient) -> ProbeResult:
    """Verify the connection, then read version, databases, APOC and latency.

    Raises NeoSenseError (auth, unreachable, TLS, bad URI, database missing, timeout).
    """
    await client.verify()
    comps = await client.read(
        "components",
        "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition",
        database="system",
    )
    version = str(comps[0]["version"]) if comps else "unknown"
    edition = str(comps[0]["edition"]) if comps else "unknown"

    databases: list[DatabaseInfo] = []
    try:
        rows = await client.read(
            "databases",
            "SHOW DATABASES YIELD name, currentStatus, default, home, access "
            "RETURN name, currentStatus, default, home, access",
            database="system",
        )
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
                )
            )
    except NeoSenseError as exc:
        if exc.code is not ErrorCode.PERMISSION_DENIED:
            raise
    wanted = client.database
    if not wanted:
        home = [d for d in databases if d.home] or [d for d in databases if d.default]
        wanted = home[0].name if home else ""
    elif databases and wanted not in {d.name for d in databases}:
        raise NeoSenseError(
            ErrorCode.DATABASE_MISSING,
            f"The database '{wanted}' does not exist on {client.settings.address}. "
            f"This user sees: {', '.join(d.name for d in databases if d.name != 'system')}.",
            context=client.context(query="databases"),
        )

    latencies = []
    for _ in range(3):
        t0 = time.perf_counter()
        await client.read("ping", "RETURN 1 AS ok", database=wanted or None)
        latencies.append((time.perf_counter() - t0) * 1000)

    apoc_version: str | None = None
    try:
        rows = await client.read(
            "apoc",
            "SHOW PROCEDURES YIELD name WHERE name = 'apoc.version' RETURN count(*) AS n",
            database=wanted or None,
        )
        if rows and rows[0]["n"]:
            v = await client.read(
                "apoc.version", "RETURN apoc.version() AS v", database=wanted or None
            )
            apoc_version = str(v[0]["v"]) if v else "unknown"
    except NeoSenseError as exc:
        if exc.code is not ErrorCode.PERMISSION_DENIED:
            raise
    return ProbeResult(
        address=client.settings.address,
        version=version,
        edition=edition,
        database=wanted or "(default)",
        databases=databases,
        apoc_present=apoc_version is not None,
        apoc_version=apoc_version,
        latency_ms=round(statistics.median(latencies), 2),
    )
