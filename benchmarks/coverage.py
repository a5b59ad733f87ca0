"""What a metadata tool found, in one shape, and its coverage of the generator's ground truth.

Every tool's output (built-in procedures, APOC, neo4j-graphrag, a NeoSense report) is turned
into a `Found`: label names, relationship type names, (start, type, end) patterns,
(owner, key) property keys and (owner, key, Cypher type) value types, where the owner is
("node", label) or ("rel", type). Coverage is found-and-expected over expected, per
dimension, so a tool is never rewarded for reporting things that do not exist.

Type names are normalised to what Cypher's valueType() says, without "NOT NULL":
STRING, INTEGER, FLOAT, BOOLEAN, DATE, ZONED DATETIME, LOCAL DATETIME, POINT, LIST<STRING>...
A tool that only says "LIST" (APOC) does not name the element type, so it does not match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from neosense_desktop.core.extraction.builtin_schema import BUILTIN_TYPES, rel_type_name

Owner = tuple[str, str]  # ("node", label) or ("rel", type)
DIMENSIONS = ("labels", "types", "patterns", "property_keys", "value_types")

# db.schema.*TypeProperties and apoc.meta.nodeTypeProperties type names (Java value classes)
# are the engine's table: NeoSense's exact mode reads the same procedures. The judge stays
# independent where it matters: the expected side comes from the generator's ground truth.
_STORAGE_NAMES = BUILTIN_TYPES
# apoc.meta.schema / apoc.meta.data type names.
_APOC_NAMES = {
    "STRING": "STRING",
    "INTEGER": "INTEGER",
    "FLOAT": "FLOAT",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "DATE_TIME": "ZONED DATETIME",
    "LOCAL_DATE_TIME": "LOCAL DATETIME",
    "TIME": "ZONED TIME",
    "LOCAL_TIME": "LOCAL TIME",
    "DURATION": "DURATION",
    "POINT": "POINT",
    "LIST": "LIST",
}


def normalize_type(name: str) -> str:
    """Any tool's type name -> the Cypher name, e.g. 'StringArray' -> 'LIST<STRING>'."""
    name = name.strip()
    if name in _STORAGE_NAMES:
        return _STORAGE_NAMES[name]
    if name.endswith("Array") and name[: -len("Array")] in _STORAGE_NAMES:
        return f"LIST<{_STORAGE_NAMES[name[: -len('Array')]]}>"
    if name in _APOC_NAMES:
        return _APOC_NAMES[name]
    if name.startswith("LIST OF "):
        return f"LIST<{_APOC_NAMES.get(name[8:], name[8:])}>"
    # valueType() style: "LIST<STRING NOT NULL> NOT NULL" -> "LIST<STRING>"
    return re.sub(r"\s+NOT NULL", "", name)


def strip_token(text: str) -> str:
    """':`KNOWS`' (db.schema.relTypeProperties) -> 'KNOWS'."""
    return rel_type_name(text) or text.lstrip(":")


@dataclass
class Found:
    labels: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    patterns: set[tuple[str | None, str, str | None]] = field(default_factory=set)
    property_keys: set[tuple[Owner, str]] = field(default_factory=set)
    value_types: set[tuple[Owner, str, str]] = field(default_factory=set)

    def add_property(self, owner: Owner, key: str | None, types: list[str] | None) -> None:
        if key is None:  # db.schema rows for an owner without properties
            return
        self.property_keys.add((owner, key))
        for t in types or []:
            self.value_types.add((owner, key, normalize_type(t)))


def expected_from_truth(truth: dict[str, Any]) -> Found:
    exp = Found()
    for label in truth["labels"]:
        exp.labels.add(label["name"])
        for prop in label["properties"]:
            exp.add_property(("node", label["name"]), prop["name"], prop["types"])
    for rel in truth["relationship_types"]:
        exp.types.add(rel["name"])
        for prop in rel["properties"]:
            exp.add_property(("rel", rel["name"]), prop["name"], prop["types"])
    for pat in truth["patterns"]:
        exp.patterns.add((pat["start"], pat["type"], pat["end"]))
    return exp


def coverage(found: Found, expected: Found) -> dict[str, float]:
    out = {}
    for dim in DIMENSIONS:
        want = getattr(expected, dim)
        got = getattr(found, dim)
        out[dim] = round(len(want & got) / len(want), 4) if want else 1.0
    return out


# --------------------------------------------------------------------------- per tool


def from_builtin(node_rows: list[dict[str, Any]], rel_rows: list[dict[str, Any]]) -> Found:
    """db.schema.nodeTypeProperties() + db.schema.relTypeProperties().

    They report no patterns: nothing in their output ties a relationship type to labels.
    Rows are per label combination; a property found on (:A:B) counts for A and for B.
    """
    f = Found()
    for row in node_rows:
        for label in row["nodeLabels"] or []:
            f.labels.add(label)
            f.add_property(("node", label), row["propertyName"], row["propertyTypes"])
    for row in rel_rows:
        rel = strip_token(row["relType"])
        f.types.add(rel)
        f.add_property(("rel", rel), row["propertyName"], row["propertyTypes"])
    return f


def from_apoc_meta_schema(value: dict[str, Any]) -> Found:
    f = Found()
    for name, entry in value.items():
        if entry.get("type") == "node":
            f.labels.add(name)
            for key, prop in (entry.get("properties") or {}).items():
                f.add_property(("node", name), key, [prop["type"]])
            for rel, info in (entry.get("relationships") or {}).items():
                f.types.add(rel)
                for other in info.get("labels") or []:
                    if info.get("direction") == "in":
                        f.patterns.add((other, rel, name))
                    else:
                        f.patterns.add((name, rel, other))
                for key, prop in (info.get("properties") or {}).items():
                    f.add_property(("rel", rel), key, [prop["type"]])
        elif entry.get("type") == "relationship":
            f.types.add(name)
            for key, prop in (entry.get("properties") or {}).items():
                f.add_property(("rel", name), key, [prop["type"]])
    return f


def from_apoc_node_type_properties(rows: list[dict[str, Any]]) -> Found:
    """apoc.meta.nodeTypeProperties: nodes only, so no types, patterns or rel properties."""
    f = Found()
    for row in rows:
        for label in row["nodeLabels"] or []:
            f.labels.add(label)
            f.add_property(("node", label), row["propertyName"], row["propertyTypes"])
    return f


def from_graphrag(schema: dict[str, Any]) -> Found:
    """neo4j_graphrag.schema.get_structured_schema() output (apoc.meta.data underneath)."""
    f = Found()
    for label, props in (schema.get("node_props") or {}).items():
        f.labels.add(label)
        for prop in props:
            f.add_property(("node", label), prop["property"], [prop["type"]])
    for rel, props in (schema.get("rel_props") or {}).items():
        f.types.add(rel)
        for prop in props:
            f.add_property(("rel", rel), prop["property"], [prop["type"]])
    for pat in schema.get("relationships") or []:
        f.types.add(pat["type"])
        f.patterns.add((pat["start"], pat["type"], pat["end"]))
    return f


def from_neosense_report(report: dict[str, Any]) -> Found:
    f = Found()
    for label in report.get("labels") or []:
        f.labels.add(label["name"])
        for prop in label.get("properties") or []:
            f.add_property(("node", label["name"]), prop["name"], prop.get("types"))
    for rel in report.get("relationship_types") or []:
        f.types.add(rel["name"])
        for prop in rel.get("properties") or []:
            f.add_property(("rel", rel["name"]), prop["name"], prop.get("types"))
        for pat in rel.get("patterns") or []:
            f.patterns.add((pat.get("start"), rel["name"], pat.get("end")))
    for pat in report.get("patterns") or []:  # a flat list, should a report carry one
        f.patterns.add((pat.get("start"), pat.get("type"), pat.get("end")))
    return f
