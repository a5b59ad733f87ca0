"""Preview rows on a real server: one read-only query per preview, each values policy
honoured on the server (under stats and none no text value crosses the wire)."""

from __future__ import annotations

from typing import Any

import pytest

from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.preview import preview_parameters, preview_query, preview_rows
from tests.integration.engine_support import settings_for
from tests.neo4j_support import GraphFixture

pytestmark = pytest.mark.neo4j

HOSTILE = "Kunde `x`; <b>|"
SECRET = "the secret text"


def _fill(graph: GraphFixture) -> None:
    graph.run(
        f"UNWIND range(1, 40) AS i CREATE (:`{HOSTILE.replace('`', '``')}` "
        "{note: $secret, n: i, at: date('2026-12-07'), tags: ['a', 'b']})"
        "-[:`REL;x` {w: 0.5, why: $secret}]->(:End)",
        secret=SECRET,
    )


async def _preview(graph: GraphFixture, kind: Any, name: str, policy: Any) -> Any:
    version = graph.run("CALL dbms.components() YIELD versions RETURN versions[0] AS v")[0]["v"]
    async with GraphClient(settings_for(graph.server), graph.server.password) as client:
        return await preview_rows(client, kind, name, policy, server_version=version)


async def test_examples_show_values_and_stop_at_25(graph: GraphFixture) -> None:
    _fill(graph)
    table = await _preview(graph, "label", HOSTILE, "examples")
    assert len(table.rows) == 25
    assert table.columns[0] == "Labels" and set(table.columns[1:]) == {"note", "n", "at", "tags"}
    note = table.columns.index("note")
    assert {row[note] for row in table.rows} == {SECRET}
    assert all(row[0] == f":{HOSTILE}" for row in table.rows)


async def test_stats_show_lengths_and_numbers_not_text(graph: GraphFixture) -> None:
    _fill(graph)
    table = await _preview(graph, "label", HOSTILE, "stats")
    cells = {c: table.rows[0][table.columns.index(c)] for c in table.columns[1:]}
    assert cells["note"] == f"(string, {len(SECRET)} characters)"
    assert cells["at"] == "2026-12-07" and cells["n"].isdigit()
    assert cells["tags"] == "(list<string>, 2 items)"
    assert SECRET not in repr(table)


async def test_under_stats_and_none_the_text_never_leaves_the_server(graph: GraphFixture) -> None:
    _fill(graph)
    for policy in ("stats", "none"):
        async with GraphClient(settings_for(graph.server), graph.server.password) as client:
            rows = await client.read(
                "preview.rows",
                preview_query("type", "REL;x", policy),
                preview_parameters(policy),
            )
        assert rows and SECRET not in repr(rows), policy


async def test_none_shows_types_of_a_relationship_type(graph: GraphFixture) -> None:
    _fill(graph)
    table = await _preview(graph, "type", "REL;x", "none")
    assert table.columns[:2] == ["From", "To"] and set(table.columns[2:]) == {"w", "why"}
    first = dict(zip(table.columns, table.rows[0], strict=True))
    assert first["From"] == f":{HOSTILE}" and first["To"] == ":End"
    assert first["w"] == "FLOAT" and first["why"] == "STRING"
