"""NeoSense never writes to the user's database: proven on the real server.

- every query of a full run (both modes, all activities) is recorded and none holds a
  write clause;
- the database's bookmark (its last committed transaction) is the same before and after;
- and even a write that slipped through would be refused: GraphClient runs in READ mode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import neo4j
import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import NeoSenseError
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.graph_client import GraphClient, Row
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture, Neo4jServer

pytestmark = pytest.mark.neo4j

WRITE_CLAUSE = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|ALTER|RENAME|GRANT|DENY|REVOKE|"
    r"FOREACH|LOAD\s+CSV|IN\s+TRANSACTIONS|TERMINATE|START\s+DATABASE|STOP\s+DATABASE|"
    r"apoc\.(create|merge|refactor|periodic|do|cypher\.run(Write|Schema)))\b",
    re.IGNORECASE,
)


def strip_names_and_strings(cypher: str) -> str:
    """Remove `quoted names`, 'strings' and "strings": a label named CREATE is data."""
    return re.sub(r"`(?:[^`]|``)*`|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", " ", cypher)


class RecordingClient(GraphClient):
    queries: ClassVar[list[tuple[str, str]]] = []

    async def read_each(
        self,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
        **kw: Any,
    ) -> int:
        # read() goes through read_each(), so every query, streamed or not, is recorded.
        RecordingClient.queries.append((query_name, cypher))
        return await super().read_each(query_name, cypher, on_row, parameters, **kw)


def _bookmark(server: Neo4jServer) -> frozenset[str]:
    with (
        server.driver() as driver,
        driver.session(database="neo4j", default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        session.run("RETURN 1").consume()
        return frozenset(session.last_bookmarks().raw_values)


def test_write_detector_sees_writes_but_not_names() -> None:
    assert WRITE_CLAUSE.search(strip_names_and_strings("MATCH (n) SET n.x = 1"))
    assert WRITE_CLAUSE.search(strip_names_and_strings("CALL {...} IN TRANSACTIONS"))
    assert not WRITE_CLAUSE.search(strip_names_and_strings("MATCH (n:`CREATE`) RETURN 'SET'"))


@pytest.mark.parametrize("mode", ["exact", "sampled"])
async def test_a_full_run_sends_no_write_and_commits_nothing(
    graph: GraphFixture, neo4j_server: Neo4jServer, mode: str
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    graph.run("CREATE (:`CREATE` {`SET`: 1})-[:`DELETE`]->(:`MERGE`)")
    before = _bookmark(neo4j_server)
    RecordingClient.queries = []

    def factory(s: ConnectionSettings, pw: str, timeout: float) -> GraphClient:
        return RecordingClient(s, pw, query_timeout_s=timeout)

    async with ExtractionRun(
        settings_for(neo4j_server),
        neo4j_server.password,
        RunOptions(mode=mode, sample_size=50),  # type: ignore[arg-type]
        client_factory=factory,
    ) as run:
        report = await run.run()

    assert all(a.status.value == "succeeded" for a in report.activities.values()), report.activities
    assert {"CREATE", "MERGE"} <= {label.name for label in report.labels}
    assert len(RecordingClient.queries) >= 10
    writes = [
        (name, q)
        for name, q in RecordingClient.queries
        if WRITE_CLAUSE.search(strip_names_and_strings(q))
    ]
    assert writes == []
    assert _bookmark(neo4j_server) == before, "a transaction was committed during the run"


async def test_read_mode_refuses_a_write_even_if_one_slipped_through(
    graph: GraphFixture, neo4j_server: Neo4jServer
) -> None:
    async with GraphClient(settings_for(neo4j_server), neo4j_server.password) as client:
        with pytest.raises(NeoSenseError) as info:
            await client.read("sneaky", "CREATE (:ShouldNotExist) RETURN 1")
    assert "read" in info.value.message.lower()
    assert graph.run("MATCH (n:ShouldNotExist) RETURN count(n) AS c") == [{"c": 0}]
