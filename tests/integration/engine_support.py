"""Helpers for the extraction engine's integration tests: run it, and read the builtins."""

from __future__ import annotations

from typing import Any

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import ExtractionRun, RunOptions
from neosense_desktop.core.extraction.builtin_schema import builtin_type, rel_type_name
from neosense_desktop.core.report import Report
from tests.neo4j_support import GraphFixture, Neo4jServer

Schema = dict[str, dict[str, set[str]]]


def builtin_schema(graph: GraphFixture) -> tuple[Schema, Schema]:
    """Labels and types -> property -> Cypher type names, from Neo4j's own procedures."""
    labels: Schema = {}
    for row in graph.run("CALL db.schema.nodeTypeProperties()"):
        for label in row["nodeLabels"] or []:  # type: ignore[union-attr]
            props = labels.setdefault(str(label), {})
            if row["propertyName"] is not None:
                props.setdefault(str(row["propertyName"]), set()).update(
                    builtin_type(str(t))
                    for t in row["propertyTypes"] or []  # type: ignore[union-attr]
                )
    types: Schema = {}
    for row in graph.run("CALL db.schema.relTypeProperties()"):
        name = rel_type_name(str(row["relType"]))
        assert name is not None, row["relType"]
        props = types.setdefault(name, {})
        if row["propertyName"] is not None:
            props.setdefault(str(row["propertyName"]), set()).update(
                builtin_type(str(t))
                for t in row["propertyTypes"] or []  # type: ignore[union-attr]
            )
    return labels, types


def report_schema(report: Report) -> tuple[Schema, Schema]:
    labels = {x.name: {p.name: set(p.types) for p in x.properties} for x in report.labels}
    types = {
        x.name: {p.name: set(p.types) for p in x.properties} for x in report.relationship_types
    }
    return labels, types


def settings_for(server: Neo4jServer, **kw: Any) -> ConnectionSettings:
    base: dict[str, Any] = {"uri": server.uri, "user": server.user, "connection_timeout_s": 5}
    base.update(kw)
    return ConnectionSettings.model_validate(base)


async def extract(server: Neo4jServer, **options: Any) -> Report:
    async with ExtractionRun(
        settings_for(server), server.password, RunOptions.model_validate(options)
    ) as run:
        return await run.run()


def real_counts(graph: GraphFixture) -> tuple[dict[str, int], dict[str, int]]:
    """Per label and per type, counted by scanning (not the count store)."""
    labels: dict[str, int] = {}
    for row in graph.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c"):
        labels[str(row["l"])] = int(row["c"])  # type: ignore[call-overload]
    types = {
        str(r["t"]): int(r["c"])  # type: ignore[call-overload]
        for r in graph.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")
    }
    return labels, types


def real_patterns(graph: GraphFixture) -> dict[str, dict[tuple[str | None, str | None], int]]:
    out: dict[str, dict[tuple[str | None, str | None], int]] = {}
    rows = graph.run(
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, labels(a) AS s, labels(b) AS e, count(*) AS c"
    )
    for row in rows:
        starts = list(row["s"]) or [None]  # type: ignore[call-overload]
        ends = list(row["e"]) or [None]  # type: ignore[call-overload]
        per = out.setdefault(str(row["t"]), {})
        for s in starts:
            for e in ends:
                per[(s, e)] = per.get((s, e), 0) + int(row["c"])  # type: ignore[call-overload]
    return out
