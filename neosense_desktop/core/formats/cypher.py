"""Indexes and constraints as a Cypher script that re-creates them on another database.

One `CREATE … IF NOT EXISTS` statement per line (the script can run twice). Left out, each
with a comment saying why: token lookup indexes (every database has them, and a second one
is refused), indexes a constraint owns (its constraint creates them), and anything this
report does not describe well enough, or describes with values that are not what Neo4j
reports, to re-create.

A report file may be hand-made, so nothing in it is written as Cypher text. The script is
built from allow-lists:
- index and constraint kinds and entity types come from the known sets below;
- a property type is parsed with Cypher's type grammar (formats.cypher_types) and written
  from the parsed type;
- index options are written from their values (numbers, strings, booleans, lists and maps
  of those: cypher_value), never as text;
- names and strings are pure ASCII with `;` as \\u003B (formats.names), so the only `;` in
  the file ends a statement, and even a tool that splits on every `;` runs what it should.
An item that fails a check is left out with a comment; the rest of the script is written.
"""

from __future__ import annotations

import math
from typing import Any

from ..report import Constraint, Index, Report
from .cypher_types import CypherTypeError, constraint_property_type
from .names import script_name, script_string, script_text

NODE, RELATIONSHIP = "NODE", "RELATIONSHIP"
_INDEX_KEYWORD = {"RANGE": "", "TEXT": "TEXT ", "POINT": "POINT ", "VECTOR": "VECTOR "}
# Constraint kind (SHOW CONSTRAINTS `type`, 5.x and 2025+ names) -> the entity it is on
# (None: either, as the report says) and the REQUIRE rule.
_CONSTRAINT_KINDS: dict[str, tuple[str | None, str]] = {
    "UNIQUENESS": (None, "IS UNIQUE"),
    "NODE_PROPERTY_UNIQUENESS": (NODE, "IS UNIQUE"),
    "RELATIONSHIP_UNIQUENESS": (RELATIONSHIP, "IS UNIQUE"),
    "RELATIONSHIP_PROPERTY_UNIQUENESS": (RELATIONSHIP, "IS UNIQUE"),
    "NODE_KEY": (NODE, "IS NODE KEY"),
    "RELATIONSHIP_KEY": (RELATIONSHIP, "IS RELATIONSHIP KEY"),
    "NODE_PROPERTY_EXISTENCE": (NODE, "IS NOT NULL"),
    "RELATIONSHIP_PROPERTY_EXISTENCE": (RELATIONSHIP, "IS NOT NULL"),
    "NODE_PROPERTY_TYPE": (NODE, "IS ::"),
    "RELATIONSHIP_PROPERTY_TYPE": (RELATIONSHIP, "IS ::"),
}
_SINGLE_PROPERTY_RULES = ("IS NOT NULL", "IS ::")
_ENTERPRISE_ONLY = ("KEY", "EXISTENCE", "PROPERTY_TYPE")
# Bounds on an option value: more than any index configuration Neo4j has.
MAX_OPTION_DEPTH = 4
MAX_OPTION_ITEMS = 1_000
_INT64 = (-(2**63), 2**63 - 1)


class LeftOut(ValueError):
    """This item cannot be written safely; the message says why (for the script's comment)."""


def _comment(text: str) -> str:
    """A one-line comment, whatever the text holds.

    Line breaks (and every other whitespace) become single spaces. Neo4j decodes \\uXXXX
    escapes before it tokenizes, comments included, so a name spelling \\u000A would end the
    comment and run the rest: every backslash is written as \\u005C, which decodes to a
    plain one. The rest is escaped as names are (pure ASCII, no `;`); none of those escapes
    decodes to a line break, since there are none left."""
    return "// " + script_text(" ".join(text.replace("\\", "\\u005C").split()))


def cypher_value(value: Any, depth: int = 0) -> str:
    """A Cypher literal written from a value: an integer, a finite float, a string, a
    boolean, or a list or map of those. LeftOut for anything else (null included)."""
    if depth > MAX_OPTION_DEPTH:
        raise LeftOut("its options are nested too deeply")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise LeftOut("an option is an integer beyond 64 bits")
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LeftOut("an option is not a finite number")
        return repr(value).replace("e+", "e")  # Cypher writes 1e16, not 1e+16
    if isinstance(value, str):
        return script_string(value)
    if isinstance(value, list | dict) and len(value) > MAX_OPTION_ITEMS:
        raise LeftOut(f"an option holds more than {MAX_OPTION_ITEMS:,} items")
    if isinstance(value, list):
        return "[" + ", ".join(cypher_value(v, depth + 1) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(
            f"{script_name(str(k))}: {cypher_value(v, depth + 1)}"
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        )
        return "{" + inner + "}"
    raise LeftOut(f"an option is {type(value).__name__}, not a number, string or boolean")


def _target(entity_type: str, names: list[str]) -> tuple[str, str]:
    """The FOR clause and the variable, e.g. ('(n:`A`)', 'n')."""
    joined = "|".join(script_name(x) for x in names)
    if entity_type == RELATIONSHIP:
        return f"()-[r:{joined}]-()", "r"
    if entity_type == NODE:
        return f"(n:{joined})", "n"
    raise LeftOut(f"its entity type {entity_type} is neither {NODE} nor {RELATIONSHIP}")


def _index_options(index: Index) -> str:
    if not isinstance(index.options, dict):
        raise LeftOut("its options are not a map")
    config = index.options.get("indexConfig")
    if not config:
        return ""
    if not isinstance(config, dict):
        raise LeftOut("its indexConfig is not a map")
    return " OPTIONS {indexConfig: " + cypher_value(config) + "}"


def index_statement(index: Index) -> str:
    """The CREATE statement, or LeftOut saying why this index is not re-created."""
    if not index.labels_or_types or not index.properties:
        raise LeftOut("the report names no label, type or property for it")
    if index.type != "FULLTEXT" and index.type not in _INDEX_KEYWORD:
        raise LeftOut("this index type cannot be re-created")
    if index.type != "FULLTEXT" and len(index.labels_or_types) != 1:
        raise LeftOut("only a fulltext index can be on more than one label or type")
    target, var = _target(index.entity_type, index.labels_or_types)
    props = [f"{var}.{script_name(p)}" for p in index.properties]
    name = script_name(index.name)
    options = _index_options(index)
    if index.type == "FULLTEXT":
        return (
            f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR {target} "
            f"ON EACH [{', '.join(props)}]{options};"
        )
    return (
        f"CREATE {_INDEX_KEYWORD[index.type]}INDEX {name} IF NOT EXISTS FOR {target} "
        f"ON ({', '.join(props)}){options};"
    )


def constraint_statement(constraint: Constraint) -> str:
    """The CREATE statement, or LeftOut saying why this constraint is not re-created."""
    kind = _CONSTRAINT_KINDS.get(constraint.type)
    if kind is None:
        raise LeftOut("not a constraint type NeoSense knows")
    entity, rule = kind
    if entity is not None and constraint.entity_type != entity:
        raise LeftOut(f"a {constraint.type} constraint is on a {entity}")
    if len(constraint.labels_or_types) != 1 or not constraint.properties:
        raise LeftOut("the report does not name one label or type and its properties")
    if rule in _SINGLE_PROPERTY_RULES and len(constraint.properties) != 1:
        raise LeftOut("this kind of constraint is on one property")
    if rule == "IS ::":
        if not constraint.property_type:
            raise LeftOut("the report does not say which property type it requires")
        try:
            rule = f"IS :: {constraint_property_type(constraint.property_type)}"
        except CypherTypeError as exc:
            raise LeftOut(
                f"its property type {constraint.property_type!r} is not a Cypher property "
                f"type ({exc})"
            ) from None
    target, var = _target(constraint.entity_type, constraint.labels_or_types)
    props = [f"{var}.{script_name(p)}" for p in constraint.properties]
    subject = props[0] if len(props) == 1 else "(" + ", ".join(props) + ")"
    return (
        f"CREATE CONSTRAINT {script_name(constraint.name)} IF NOT EXISTS FOR {target} "
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
    written = 0
    if constraints:
        out.append("// Constraints first: each creates the index it owns.")
    for c in constraints:
        try:
            statement = constraint_statement(c)
        except LeftOut as why:
            skipped.append(f"constraint {c.name} ({c.type}): {why}")
            continue
        if any(word in c.type for word in _ENTERPRISE_ONLY):
            out.append("// Enterprise Edition only:")
        out.append(statement)
        written += 1
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
        try:
            statement = index_statement(i)
        except LeftOut as why:
            skipped.append(f"index {i.name} ({i.type}): {why}")
            continue
        if i.type == "VECTOR" and not i.options:
            out.append("// The report has no options for this index: the server's defaults apply.")
        out.append(statement)
        written += 1
    if skipped:
        out += ["", "// Not re-created:"]
        out.extend(_comment("- " + reason) for reason in skipped)
    if not constraints and not created:
        out.append("// The source database has no indexes or constraints to re-create.")
    elif not written:
        out.append("// Nothing in this report could be re-created (see above).")
    return "\n".join(out) + "\n"
