"""Neo4j's own full-scan schema procedures, as the type source of exact runs.

db.schema.nodeTypeProperties() and db.schema.relTypeProperties() read every node and
relationship inside the server, in Java, and list each property's value types and whether
every entity has it (`mandatory`). Measured on the 1M-node benchmark graph they type the
whole store in ~2.7 s + ~1.3 s, where the same typing in Cypher (valueType() on every
property of every entity) costs ~3x that. So an exact run takes property names and types
from them and reads only what they cannot give with its own scans: fill rates (a keys()
count per label, which does not wait for them) and patterns.

They are READ procedures open to every user by default; when one fails (revoked, or a
server without it), the run falls back to the valueType() scan, which gives the same.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ..errors import NeoSenseError
from ..graph_client import Row
from .context import PRIORITY_LONG_SCAN, RunContext
from .readings import Reading
from .value_types import normalise_value_type

log = logging.getLogger(__name__)

# The procedures' type names -> Cypher's valueType() names; "<name>Array" is a LIST<...>.
BUILTIN_TYPES = {
    "String": "STRING",
    "Long": "INTEGER",
    "Integer": "INTEGER",
    "Short": "INTEGER",
    "Byte": "INTEGER",
    "Double": "FLOAT",
    "Float": "FLOAT",
    "Boolean": "BOOLEAN",
    "Char": "STRING",
    "Date": "DATE",
    "LocalDateTime": "LOCAL DATETIME",
    "DateTime": "ZONED DATETIME",
    "LocalTime": "LOCAL TIME",
    "Time": "ZONED TIME",
    "Duration": "DURATION",
    "Point": "POINT",
}


def builtin_type(name: str) -> str:
    """A propertyTypes entry as a valueType() name, in either output format.

    Cypher 5 (5.x, and 2025+ with a warning that the format will change): Java-ish names,
    'Long' -> 'INTEGER', 'StringArray' -> 'LIST<STRING>'. Cypher 25: Cypher type names,
    'INTEGER NOT NULL' -> 'INTEGER', 'LIST<STRING NOT NULL> NOT NULL' -> 'LIST<STRING>'.
    Unknown names pass through, upper-cased.
    """
    if name == name.upper():  # Cypher 25: already a Cypher type name
        return normalise_value_type(name)
    if name.endswith("Array") and name.removesuffix("Array") in BUILTIN_TYPES:
        return f"LIST<{BUILTIN_TYPES[name.removesuffix('Array')]}>"
    return BUILTIN_TYPES.get(name, name.upper())


@dataclass
class KeyInfo:
    types: set[str]
    mandatory: bool  # every entity of the label (all its label combinations) / type has it


# label or type -> property key -> what the procedure says
BuiltinSchema = dict[str, dict[str, KeyInfo]]


async def builtin_node_schema(ctx: RunContext, activity: str) -> BuiltinSchema | None:
    return await ctx.shared("builtin_nodes", lambda: _nodes(ctx, activity))


async def builtin_relationship_schema(ctx: RunContext, activity: str) -> BuiltinSchema | None:
    return await ctx.shared("builtin_relationships", lambda: _relationships(ctx, activity))


async def _call(ctx: RunContext, activity: str, procedure: str, owner: str) -> list[Row] | None:
    """Rows of db.schema.<procedure>(), or None when the account may not call it."""
    columns = f"{owner}, propertyName, propertyTypes, mandatory"
    # In Cypher 25 the procedures give the format that Cypher 5 warns "will change in the
    # next major version"; ask for it where the server speaks it, and parse either.
    language = "CYPHER 25 " if ctx.caps.cypher_25 else ""
    try:
        return await ctx.read(
            activity,
            f"builtin.{procedure}",
            f"{language}CALL db.schema.{procedure}() YIELD {columns} RETURN {columns}",
            priority=PRIORITY_LONG_SCAN,
        )
    except NeoSenseError as exc:
        log.info("db.schema.%s unavailable (%s): valueType scan", procedure, exc.code)
        return None


def prefetch_builtins(ctx: RunContext, activity: str) -> None:
    ctx.prefetch("builtin_nodes", lambda: _nodes(ctx, activity))
    ctx.prefetch("builtin_relationships", lambda: _relationships(ctx, activity))


async def _nodes(ctx: RunContext, activity: str) -> BuiltinSchema | None:
    rows = await _call(ctx, activity, "nodeTypeProperties", "nodeLabels")
    if rows is None:
        return None
    # A label is in several label combinations; a key is mandatory for the label only when
    # every combination holding the label has it as mandatory.
    combos: dict[str, int] = {}
    seen: dict[str, dict[str, int]] = {}
    out: BuiltinSchema = {}
    for labels in {tuple(r["nodeLabels"] or ()) for r in rows}:
        for label in labels:
            combos[label] = combos.get(label, 0) + 1
    for row in rows:
        key = row["propertyName"]
        if key is None:
            continue
        for label in row["nodeLabels"] or ():
            info = out.setdefault(label, {}).setdefault(key, KeyInfo(set(), True))
            info.types.update(builtin_type(str(t)) for t in row["propertyTypes"] or ())
            info.mandatory = info.mandatory and bool(row["mandatory"])
            seen.setdefault(label, {})[key] = seen.get(label, {}).get(key, 0) + 1
    for label, keys in out.items():
        for key, info in keys.items():
            if seen[label][key] < combos[label]:
                info.mandatory = False  # some combination of the label lacks the key
    return out


_REL_TYPE = re.compile(r":`(.*)`", re.S)


def rel_type_name(text: str) -> str | None:
    """':`KNOWS`' (how relTypeProperties spells a type, backticks doubled) -> 'KNOWS'."""
    match = _REL_TYPE.fullmatch(text)
    return match.group(1).replace("``", "`") if match else None


async def _relationships(ctx: RunContext, activity: str) -> BuiltinSchema | None:
    rows = await _call(ctx, activity, "relTypeProperties", "relType")
    if rows is None:
        return None
    out: BuiltinSchema = {}
    for row in rows:
        rel_type = rel_type_name(str(row["relType"]))
        if rel_type is None:
            log.warning("unexpected relType %r from db.schema.relTypeProperties", row["relType"])
            return None
        keys = out.setdefault(rel_type, {})
        key = row["propertyName"]
        if key is not None:
            info = keys.setdefault(key, KeyInfo(set(), True))
            info.types.update(builtin_type(str(t)) for t in row["propertyTypes"] or ())
            info.mandatory = info.mandatory and bool(row["mandatory"])
    return out


def reads_everything(ctx: RunContext) -> bool:
    """True when the plan scans every label and type: then the procedures' full scan costs
    nothing extra. A partly sampled run would pay a whole-store scan for a few labels."""
    return ctx.readings.everything_exact


def takes_builtins(ctx: RunContext, reading: Reading) -> bool:
    """Whether a label or type read whole in a run that reads everything takes its types
    from the procedures: when no values are profiled, or its value statistics come from a
    sample (a subject small enough is profiled in full by the valueType query instead)."""
    return reads_everything(ctx) and (not ctx.profiles_values or reading.profile is not None)
