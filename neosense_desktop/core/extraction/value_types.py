"""Cypher value type names, as valueType() spells them without "NOT NULL", and the report's
property entries built from the types and holders a read saw.

valueType() (Neo4j 5.13+) is the source on servers that have it. On older servers values are
typed on the client from what the driver returns (same names), and the report says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import neo4j.spatial
import neo4j.time

from ..report import Property, Provenance

_NOT_NULL = re.compile(r"\s+NOT NULL")


def normalise_value_type(value_type: str) -> str:
    """'LIST<STRING NOT NULL> NOT NULL' -> 'LIST<STRING>'; 'INTEGER NOT NULL' -> 'INTEGER'."""
    return _NOT_NULL.sub("", value_type).strip()


def python_value_type(value: Any) -> str:
    """The Cypher type name of a value as the Python driver returns it (legacy servers)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "FLOAT"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, (bytes, bytearray)):
        return "BYTE ARRAY"
    if isinstance(value, neo4j.spatial.Point):
        return "POINT"
    if isinstance(value, (neo4j.time.DateTime, dt.datetime)):
        return "LOCAL DATETIME" if value.tzinfo is None else "ZONED DATETIME"
    if isinstance(value, (neo4j.time.Date, dt.date)):
        return "DATE"
    if isinstance(value, (neo4j.time.Time, dt.time)):
        return "LOCAL TIME" if value.tzinfo is None else "ZONED TIME"
    if isinstance(value, (neo4j.time.Duration, dt.timedelta)):
        return "DURATION"
    if isinstance(value, (list, tuple)):
        inner = sorted({python_value_type(v) for v in value})
        if not inner:
            return "LIST<NOTHING>"
        return f"LIST<{' | '.join(inner)}>"
    return "ANY"


def supports_value_type(version: str) -> bool:
    """valueType() exists from Neo4j 5.13 on."""
    match = re.match(r"(\d+)\.(\d+)", version)
    if not match:
        return False
    major, minor = int(match.group(1)), int(match.group(2))
    return (major, minor) >= (5, 13)


def observed_properties(
    read_count: int, key_types: dict[str, set[str]], holders: Counter[str], sampled: bool
) -> list[Property]:
    """One Property per key a read of `read_count` entities saw: its value types, and its
    fill rate from the entities holding it; provenance "sample" when the read was one."""
    provenance = (
        Provenance(method="sample", sample_size=read_count)
        if sampled
        else Provenance(method="scan")
    )
    return [
        Property(
            name=key,
            types=sorted(key_types[key]),
            fill_rate=min(1.0, holders[key] / read_count) if read_count else 0.0,
            provenance=provenance,
            observed=holders[key],
        )
        for key in sorted(key_types)
    ]
