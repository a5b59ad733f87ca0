"""Preview rows: the first rows of one label or relationship type, as a table, under the
run's values policy. One read-only query (`LIMIT 25`), like the rows DBeaver or Neo4j
Browser show, but never more of the values than the policy lets leave the database:

- examples: the values as display text (cut at MAX_DISPLAY_CHARS);
- stats: numbers, booleans and temporals; a string or list shows only its length;
- none: the value type alone.

Under stats and none the reduction happens in the query (valueType, 5.13+), so raw text
never crosses the wire; an older server gets a clear refusal instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from .cypher import escape_name
from .errors import ErrorCode, NeoSenseError
from .extraction.value_types import normalise_value_type, supports_value_type
from .report import MAX_DISPLAY_CHARS, ValuesPolicy

if TYPE_CHECKING:
    from .graph_client import GraphClient, Row

PREVIEW_LIMIT = 25
Kind = Literal["label", "type"]

# Under stats these values are shown as they are: numbers, booleans and temporals.
SHOWN_UNDER_STATS = (
    "INTEGER",
    "FLOAT",
    "BOOLEAN",
    "DATE",
    "LOCAL TIME",
    "ZONED TIME",
    "LOCAL DATETIME",
    "ZONED DATETIME",
    "DURATION",
)

POLICY_WORDS = {
    "examples": "values shown as they are (values policy: examples)",
    "stats": "numbers, booleans and dates shown; text and lists as their length only "
    "(values policy: statistics)",
    "none": "value types only, no values (values policy: none)",
}


@dataclass(frozen=True)
class PreviewTable:
    """What the window shows: a header and rows of display text."""

    kind: Kind
    name: str
    columns: list[str]
    rows: list[list[str]]
    policy: ValuesPolicy

    @property
    def subject(self) -> str:
        return f"(:{self.name})" if self.kind == "label" else f"[:{self.name}]"

    @property
    def caption(self) -> str:
        count = len(self.rows)
        first = "the only row" if count == 1 else f"the first {count:,} rows"
        if not count:
            first = "no rows"
        return f"{self.subject}: {first}; {POLICY_WORDS[self.policy]}."


def preview_query(kind: Kind, name: str, policy: ValuesPolicy) -> str:
    """The read of one label's nodes or one type's relationships, at most $limit of them."""
    if kind == "label":
        head = f"MATCH (e:{escape_name(name)}) WITH e LIMIT $limit "
        ends = "labels(e) AS labels"
    else:
        head = f"MATCH ()-[e:{escape_name(name)}]->() WITH e LIMIT $limit "
        ends = "labels(startNode(e)) AS start, labels(endNode(e)) AS end"
    if policy == "examples":
        return f"{head}RETURN {ends}, properties(e) AS props"
    # The value leaves the server only where the policy allows: a number, a boolean, a
    # temporal under stats; a string's or list's size; else only its type.
    cell = (
        "{k: k, t: valueType(e[k]), "
        "v: CASE WHEN $stats AND any(s IN $shown WHERE valueType(e[k]) STARTS WITH s) "
        "THEN e[k] END, "
        "n: CASE WHEN $stats AND (valueType(e[k]) STARTS WITH 'STRING' "
        "OR valueType(e[k]) STARTS WITH 'LIST') THEN size(e[k]) END}"
    )
    return f"{head}RETURN {ends}, [k IN keys(e) | {cell}] AS cells"


def preview_parameters(policy: ValuesPolicy) -> dict[str, Any]:
    return {"limit": PREVIEW_LIMIT, "stats": policy == "stats", "shown": list(SHOWN_UNDER_STATS)}


def _display(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, list | tuple | dict):
        text = json.dumps(value, default=str, ensure_ascii=False)  # ["a"], as Cypher writes
    else:
        text = str(value)
    if len(text) > MAX_DISPLAY_CHARS:
        return text[: MAX_DISPLAY_CHARS - 1] + "…"
    return text


def _cell_text(cell: dict[str, Any], policy: ValuesPolicy) -> str:
    value_type = normalise_value_type(str(cell.get("t") or ""))
    if policy == "stats":
        if cell.get("v") is not None:
            return _display(cell["v"])
        size = cell.get("n")
        if size is not None:
            unit = "character" if value_type.startswith("STRING") else "item"
            return f"({value_type.lower()}, {size:,} {unit}{'' if size == 1 else 's'})"
    return value_type


def _labels_text(labels: Any) -> str:
    return ":" + ":".join(str(x) for x in labels) if labels else "(no label)"


def preview_table(kind: Kind, name: str, rows: Sequence[Row], policy: ValuesPolicy) -> PreviewTable:
    """The rows the query returned as display text, one column per property key (the keys
    of all rows, sorted by name), after the labels or the two ends."""
    keyed: list[dict[str, str]] = []
    keys: set[str] = set()
    for row in rows:
        if policy == "examples":
            props = row.get("props") or {}
            cells = {str(k): _display(v) for k, v in props.items()}
        else:
            cells = {str(c["k"]): _cell_text(c, policy) for c in row.get("cells") or []}
        keys.update(cells)
        keyed.append(cells)
    fixed = ["Labels"] if kind == "label" else ["From", "To"]
    # Sorted: the server's key order differs from row to row and run to run, and a table
    # whose columns move between two previews of the same label reads as a different one.
    ordered = sorted(keys, key=lambda k: (k.casefold(), k))
    columns = fixed + ordered
    table: list[list[str]] = []
    for row, cells in zip(rows, keyed, strict=True):
        head = (
            [_labels_text(row.get("labels"))]
            if kind == "label"
            else [_labels_text(row.get("start")), _labels_text(row.get("end"))]
        )
        table.append(head + [cells.get(k, "") for k in ordered])
    return PreviewTable(kind=kind, name=name, columns=columns, rows=table, policy=policy)


async def preview_rows(
    client: GraphClient,
    kind: Kind,
    name: str,
    policy: ValuesPolicy,
    *,
    server_version: str,
    database: str | None = None,
) -> PreviewTable:
    """Read and shape the preview of one label or type (read-only, one query)."""
    if policy != "examples" and not supports_value_type(server_version):
        raise NeoSenseError(
            ErrorCode.SERVER_UNSUPPORTED,
            f"Previewing rows under the values policy '{policy}' needs Neo4j 5.13 or later "
            f"(this server is {server_version}): the values are reduced on the server.",
            suggestions=["Choose the values policy 'examples' to see the values themselves."],
        )
    rows = await client.read(
        "preview.rows",
        preview_query(kind, name, policy),
        preview_parameters(policy),
        database=database,
    )
    return preview_table(kind, name, rows, policy)
