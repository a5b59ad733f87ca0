"""Indexes and constraints as a Cypher script that re-creates them on another database.

One `CREATE … IF NOT EXISTS` statement per line (the script can run twice). Every name is
backtick-quoted with backticks doubled (formats.names). Left out, each with a comment
saying why: token lookup indexes (every database has them, and a second one is refused),
indexes a constraint owns (its constraint creates them), and anything this report does not
describe well enough to re-create.
"""

from __future__ import annotations

import json
from typing import Any

from ..report import Constraint, Index, Report
from .names import cypher_name

_INDEX_KEYWORD = {"RANGE": "", "TEXT": "TEXT ", "POINT": "POINT ", "VECTOR": "VECTOR "}
_CONSTRAINT_RULE = {
    "UNIQUENESS": "IS UNIQUE",
    "NODE_PROPERTY_UNIQUENESS": "IS UNIQUE",
    "RELATIONSHIP_UNIQUENESS": "IS UNIQUE",
    "RELATIONSHIP_PROPERTY_UNIQUENESS": "IS UNIQUE",
    "NODE_KEY": "IS NODE KEY",
    "RELATIONSHIP_KEY": "IS RELATIONSHIP KEY",
    "NODE_PROPERTY_EXISTENCE": "IS NOT NULL",
    "RELATIONSHIP_PROPERTY_EXISTENCE": "IS NOT NULL",
    "NODE_PROPERTY_TYPE": "IS ::",
    "RELATIONSHIP_PROPERTY_TYPE": "IS ::",
}
_ENTERPRISE_ONLY = ("KEY", "EXISTENCE", "PROPERTY_TYPE")


def _comment(text: str) -> str:
    """A one-line comment, whatever the text holds. Neo4j decodes \\uXXXX escapes before
    it tokenizes, comments included, so a name spelling \\u000A would end the comment and
    run the rest: every backslash is written as \\u005C, which decodes to a plain one."""
    return "// " + " ".join(text.replace("\\", "\\u005C").split())


def _map(value: Any) -> str:
    """A Cypher map literal for index options (keys backticked: they contain dots)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{cypher_name(str(k))}: {_map(v)}" for k, v in sorted(value.items()))
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_map(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        return "null"
    return json.dumps(str(value))  # a double-quoted string with JSON escapes, valid Cypher


def _target(entity_type: str, names: list[str]) -> tuple[str, str]:
    """The FOR clause and the variable, e.g. ('(n:`A`)', 'n')."""
    joined = "|".join(cypher_name(x) for x in names)
    if entity_type == "RELATIONSHIP":
        return f"()-[r:{joined}]-()", "r"
    return f"(n:{joined})", "n"


def _index_options(index: Index) -> str:
    config = index.options.get("indexConfig") if isinstance(index.options, dict) else None
    if not config:
        return ""
    return " OPTIONS {indexConfig: " + _map(config) + "}"


def index_statement(index: Index) -> str | None:
    """The CREATE statement, or None when this kind of index is not re-created."""
    if not index.labels_or_types or not index.properties:
        return None
    target, var = _target(index.entity_type, index.labels_or_types)
    props = [f"{var}.{cypher_name(p)}" for p in index.properties]
    name = cypher_name(index.name)
    if index.type == "FULLTEXT":
        return (
            f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR {target} "
            f"ON EACH [{', '.join(props)}]{_index_options(index)};"
        )
    if index.type not in _INDEX_KEYWORD or len(index.labels_or_types) != 1:
        return None
    return (
        f"CREATE {_INDEX_KEYWORD[index.type]}INDEX {name} IF NOT EXISTS FOR {target} "
        f"ON ({', '.join(props)}){_index_options(index)};"
    )


def constraint_statement(constraint: Constraint) -> str | None:
    rule = _CONSTRAINT_RULE.get(constraint.type)
    if rule is None or len(constraint.labels_or_types) != 1 or not constraint.properties:
        return None
    if rule == "IS ::":
        if not constraint.property_type:
            return None
        rule = f"IS :: {constraint.property_type}"
    target, var = _target(constraint.entity_type, constraint.labels_or_types)
    props = [f"{var}.{cypher_name(p)}" for p in constraint.properties]
    subject = props[0] if len(props) == 1 else "(" + ", ".join(props) + ")"
    return (
        f"CREATE CONSTRAINT {cypher_name(constraint.name)} IF NOT EXISTS FOR {target} "
        f"REQUIRE {subject} {rule};"
    )


def render_cypher(report: Report) -> str:
    server = report.server
    out = [
        _comment(
            f"Indexes and constraints of database {server.database} on {server.address} "
            f"(Neo4j {server.version} {server.edition}), extracted "
            f"{report.run.started_at.isoformat()} by NeoSense {report.run.app_version}."
        ),
        "// Run with: cypher-shell -d <database> -f this-file.cypher (each statement is"
        " idempotent).",
        "",
    ]
    skipped: list[str] = []
    constraints = sorted(report.constraints, key=lambda c: c.name)
    if constraints:
        out.append("// Constraints first: each creates the index it owns.")
    for c in constraints:
        statement = constraint_statement(c)
        if statement is None:
            skipped.append(f"constraint {c.name} ({c.type}): not enough detail in the report")
            continue
        if any(word in c.type for word in _ENTERPRISE_ONLY):
            out.append("// Enterprise Edition only:")
        out.append(statement)
    indexes = sorted(report.indexes, key=lambda i: i.name)
    created = [i for i in indexes if i.type != "LOOKUP" and not i.owning_constraint]
    if created:
        out += ["", "// Indexes."]
    for i in indexes:
        if i.type == "LOOKUP":
            skipped.append(
                f"index {i.name} (token lookup): every database has one per entity type, "
                "and a second one is refused"
            )
            continue
        if i.owning_constraint:
            skipped.append(f"index {i.name}: created by its constraint {i.owning_constraint}")
            continue
        statement = index_statement(i)
        if statement is None:
            skipped.append(f"index {i.name} ({i.type}): this index type cannot be re-created")
            continue
        if i.type == "VECTOR" and not i.options:
            out.append("// The report has no options for this index: the server's defaults apply.")
        out.append(statement)
    if skipped:
        out += ["", "// Not re-created:"]
        out.extend(_comment("- " + reason) for reason in skipped)
    if not constraints and not created:
        out.append("// The source database has no indexes or constraints to re-create.")
    return "\n".join(out) + "\n"
