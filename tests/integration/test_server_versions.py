"""What differs between Neo4j's release lines (5.26 LTS, 2025+), handled and shown.

Run against the version under test (NEOSENSE_TEST_NEO4J_VERSION; CI runs 5.26.19 and
2026.08.1). Where the lines differ, each test says what it expects of each.
"""

from __future__ import annotations

from typing import Any

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient, ServerNotification
from neosense_desktop.core.probe import probe_connection
from neosense_desktop.core.report import ACTIVITY_NAMES
from tests.fault_clients import OldServerClient
from tests.integration.engine_support import builtin_schema, report_schema, settings_for
from tests.neo4j_support import TEST_VERSION, GraphFixture, Neo4jServer, version_line

pytestmark = pytest.mark.neo4j
# Without quality_and_context an exact run types values with db.schema.*TypeProperties.
FAST_PATH = [a for a in ACTIVITY_NAMES if a != "quality_and_context"]


class NamingClient(GraphClient):
    """The real client, recording the name of every query it sends."""

    sent: list[str]

    async def read_each(self, query_name: str, *args: Any, **kw: Any) -> int:
        self.sent.append(query_name)
        return await super().read_each(query_name, *args, **kw)


async def _run(
    server: Neo4jServer,
    seen: list[ServerNotification],
    uri: str | None = None,
    sent: list[str] | None = None,
    **options: Any,
):  # type: ignore[no-untyped-def]
    def factory(settings: ConnectionSettings, password: str, query_timeout_s: float) -> Any:
        client = NamingClient(
            settings, password, query_timeout_s=query_timeout_s, notification_sink=seen.append
        )
        client.sent = sent if sent is not None else []
        return client

    settings = settings_for(server, **({"uri": uri} if uri else {}))
    async with ExtractionRun(
        settings, server.password, RunOptions.model_validate(options), client_factory=factory
    ) as run:
        return await run.run()


def _describe(notes: list[ServerNotification]) -> str:
    return "\n".join(f"{n.query_name}: {n.gql_status} {n.description}" for n in notes)


async def test_the_probe_names_the_version_and_its_cypher_languages(
    neo4j_server: Neo4jServer,
) -> None:
    async with GraphClient(settings_for(neo4j_server), neo4j_server.password) as client:
        result = await probe_connection(client)
    assert result.version == TEST_VERSION
    if version_line() == "5":
        # 5.x speaks Cypher 5 only, and SHOW DATABASES has no defaultLanguage column.
        assert result.cypher_versions == ["5"]
    else:
        assert {"5", "25"} <= set(result.cypher_versions)
    assert result.default_language == "CYPHER 5"  # the default of a new database, both lines
    assert "default language CYPHER 5" in result.summary()


async def test_a_full_run_sends_no_deprecated_query(
    graph: GraphFixture, neo4j_server: Neo4jServer
) -> None:
    """Every query of exact runs (the built-in procedures' fast path, which runs without
    quality_and_context; value profiles with stats and examples) and a sampled run, with the
    server's notifications on."""
    graph.load_fixture("engine_mixed.cypher")
    graph.run("MATCH (n:Person) WITH n LIMIT 1 SET n.`odd key` = [1, 2]")
    seen: list[ServerNotification] = []
    sent: list[str] = []
    exact = await _run(neo4j_server, seen, sent=sent, mode="exact", activities=FAST_PATH)
    assert {"builtin.nodeTypeProperties", "builtin.relTypeProperties"} <= set(sent)
    reports = [
        exact,
        await _run(neo4j_server, seen, mode="exact", values="stats"),
        await _run(neo4j_server, seen, mode="exact", values="examples"),
        await _run(neo4j_server, seen, mode="sampled", sample_size=3),
    ]
    for report in reports:
        ran = {k: v.status.value for k, v in report.activities.items() if v.status != "skipped"}
        assert set(ran.values()) == {"succeeded"}, report.activities
    deprecated = [n for n in seen if n.is_deprecation]
    assert not deprecated, _describe(deprecated)
    # db.schema.*Properties warn in Cypher 5 (5.26.19 and 2025+ alike) that propertyTypes
    # "will change output format in the next major version" (01N62, not a deprecation).
    # 2025+ speaks Cypher 25, where the engine asks for the new format: no warning is left.
    # 5.26 has no Cypher 25, so that warning, and only it, remains there.
    warnings = [n for n in seen if n.severity == "WARNING"]
    if version_line() == "5":
        format_warnings = [
            n
            for n in warnings
            if n.gql_status == "01N62"
            and n.query_name in ("builtin.nodeTypeProperties", "builtin.relTypeProperties")
            and "propertyTypes` will change output format" in n.description
        ]
        assert format_warnings, "5.26 stopped warning about propertyTypes: update this test"
        warnings = [n for n in warnings if n not in format_warnings]
    assert not warnings, _describe(warnings)
    assert report_schema(exact) == builtin_schema(graph)

    # The same sink does see a deprecation when a query has one: the check above can fail.
    probe: list[ServerNotification] = []
    async with GraphClient(
        settings_for(neo4j_server), neo4j_server.password, notification_sink=probe.append
    ) as client:
        await client.read("deprecated", "MATCH (n) RETURN id(n) AS i LIMIT 1")
    assert [n.gql_status[:4] for n in probe if n.is_deprecation] == ["01N0"], _describe(probe)


async def test_the_report_records_version_and_default_language(
    graph: GraphFixture, neo4j_server: Neo4jServer
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    seen: list[ServerNotification] = []
    report = await _run(neo4j_server, seen, mode="exact", activities=FAST_PATH)  # built-ins
    assert report.server.version == TEST_VERSION
    assert report.server.default_language == "CYPHER 5"
    if version_line() == "5":
        assert report.server.cypher_versions == ["5"]
        return
    # 2025+: a database can default to Cypher 25. The engine reads it the same, and the
    # schema procedures then answer in their new propertyTypes format, which it parses.
    assert report.server.cypher_versions is not None and "25" in report.server.cypher_versions
    graph.run("ALTER DATABASE neo4j SET DEFAULT LANGUAGE CYPHER 25")
    graph.database = "system"
    try:
        report25 = await _run(neo4j_server, seen, mode="exact", activities=FAST_PATH)
    finally:
        graph.run("ALTER DATABASE neo4j SET DEFAULT LANGUAGE CYPHER 5")
        graph.database = "neo4j"
    assert report25.server.default_language == "CYPHER 25"
    assert report_schema(report25) == report_schema(report) == builtin_schema(graph)
    assert not [n for n in seen if n.is_deprecation], _describe(seen)


@pytest.mark.parametrize("entry", ["probe", "run"])
async def test_a_server_older_than_5_is_refused_before_anything_runs(
    neo4j_server: Neo4jServer, entry: str
) -> None:
    """A fault client reports 4.4.30 from dbms.components() (no 4.4 server runs here)."""
    clients: list[OldServerClient] = []

    def factory(settings: ConnectionSettings, password: str, query_timeout_s: float) -> Any:
        clients.append(OldServerClient(settings, password, query_timeout_s=query_timeout_s))
        return clients[-1]

    with pytest.raises(NeoSenseError) as info:
        if entry == "probe":
            async with factory(settings_for(neo4j_server), neo4j_server.password, 10) as c:
                await probe_connection(c)
        else:
            async with ExtractionRun(
                settings_for(neo4j_server),
                neo4j_server.password,
                RunOptions(),
                client_factory=factory,
            ) as run:
                await run.run()
    err = info.value
    assert err.code is ErrorCode.SERVER_UNSUPPORTED
    assert "Neo4j 4.4.30" in err.message and "5.26" in err.message and "2025.01" in err.message
    assert any("Upgrade" in s for s in err.suggestions)
    # Nothing of the graph was read: the version, and the probe reads sent alongside it
    # (one round trip for the probe), whose answers are dropped.
    assert clients[0].sent[0] == "components"
    assert set(clients[0].sent) <= {"components", "ping", "apoc", "server.processors", "databases"}


async def test_routing_uri_reads_with_read_routing(
    graph: GraphFixture, neo4j_server: Neo4jServer
) -> None:
    """neo4j:// on a single Community server: it answers the routing request with itself."""
    graph.load_fixture("engine_mixed.cypher")
    uri = neo4j_server.uri.replace("bolt://", "neo4j://")
    seen: list[ServerNotification] = []
    report = await _run(neo4j_server, seen, uri=uri, mode="exact")
    assert report_schema(report) == builtin_schema(graph)
    settings = settings_for(neo4j_server, uri=uri)
    async with GraphClient(settings, neo4j_server.password) as client:
        result = await probe_connection(client)
        assert result.version == TEST_VERSION
        # READ access mode: the routing driver sends it to a reader, which refuses writes.
        with pytest.raises(NeoSenseError) as info:
            await client.read("write attempt", "CREATE (:MustNotExist)")
    assert "read" in info.value.message.lower()
    assert graph.run("MATCH (n:MustNotExist) RETURN count(n) AS c") == [{"c": 0}]
