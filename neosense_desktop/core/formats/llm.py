"""The schema as text for an LLM prompt, in the layout LangChain's and neo4j-graphrag's
`get_schema()` print, so it drops into their text-to-Cypher prompts:

    Node properties:
    Person {id: INTEGER, name: STRING}
    Relationship properties:
    KNOWS {fromDate: DATE}
    The relationships:
    (:Person)-[:KNOWS]->(:Person)

What it adds keeps that line format: the count after a Cypher comment (`// 91 nodes`, `~`
when estimated from a sample), `NOT NULL` (Cypher's own type notation) on a property every
node or relationship has, every observed type of a property (`INTEGER | STRING`), every
label and type even without properties, and patterns from unlabeled nodes as `()`. Names
that are not plain identifiers are backtick-quoted as in Cypher, so a space, a colon or a
brace inside a name cannot be read as the format's own syntax. A property's observed types
come from the report, which may be hand-made: each is parsed with Cypher's type grammar and
written as parsed, and one that does not parse is written quoted like a name, on its line.
"""

from __future__ import annotations

from ..report import Pattern, Property, Provenance, Report
from ..wording import is_estimate
from .cypher_types import CypherTypeError, parse_type
from .names import cypher_name, schema_name


def _count(count: int, provenance: Provenance | None, noun: str) -> str:
    approx = "~" if is_estimate(provenance) else ""
    if noun and count == 1:
        noun = noun.removesuffix("s")
    return f"// {approx}{count:,} {noun}".rstrip()


def type_text(text: str) -> str:
    """An observed type as Cypher spells it, or quoted (one line) when it is not a type."""
    try:
        return str(parse_type(text))
    except CypherTypeError:
        return cypher_name(text)


def property_type(prop: Property) -> str:
    types = [type_text(t) for t in prop.types] or ["ANY"]
    always = prop.fill_rate >= 1.0
    if len(types) == 1:
        return types[0] + (" NOT NULL" if always else "")
    union = " | ".join(types)
    return f"ANY<{union}> NOT NULL" if always else union


def _properties(props: list[Property]) -> str:
    inner = ", ".join(f"{schema_name(p.name)}: {property_type(p)}" for p in props)
    return "{" + inner + "}"


def _node(name: str | None) -> str:
    return "()" if name is None else f"(:{schema_name(name)})"


def pattern_line(rel_type: str, p: Pattern) -> str:
    return f"{_node(p.start)}-[:{schema_name(rel_type)}]->{_node(p.end)}"


def render_llm(report: Report) -> str:
    lines = ["Node properties:"]
    for label in sorted(report.labels, key=lambda x: x.name):
        lines.append(
            f"{schema_name(label.name)} {_properties(label.properties)} "
            + _count(label.count, label.count_provenance, "nodes")
        )
    lines.append("Relationship properties:")
    types = sorted(report.relationship_types, key=lambda x: x.name)
    for rel in types:
        lines.append(
            f"{schema_name(rel.name)} {_properties(rel.properties)} "
            + _count(rel.count, rel.count_provenance, "relationships")
        )
    lines.append("The relationships:")
    for rel in types:
        for p in sorted(rel.patterns, key=lambda p: (-p.count, p.start or "", p.end or "")):
            lines.append(
                f"{pattern_line(rel.name, p)} {_count(p.count, p.provenance, '')}".rstrip()
            )
    sampled = report.run.mode != "exact"
    lines += [
        "// Counts follow `//`; `~` marks an estimate"
        + (" from a sample" if sampled else "")
        + ". NOT NULL: every node of the label (or relationship of the type)"
        + (" seen" if sampled else "")
        + " has the property.",
        "// A relationship between multi-label nodes is listed once per start and end label.",
    ]
    return "\n".join(lines) + "\n"
