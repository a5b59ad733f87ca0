"""Many small reads sent as a few queries, however many labels, types or findings there are.

A round trip plus planning costs more than most per-finding reads (quality's examples).
read_batched() sends them as at most `batches` queries (by default the run's concurrency:
4 on a 2-core server, up to 16 on a large one), each a UNION ALL
of the parts: each part keeps its own LIMIT and its parameters, renamed apart
(cypher.prefix_parameters), and marks its rows with `$tag`, so the rows go back to the part
that read them. A few queries rather than one keep the server's cores busy (Community runs a
query on one thread); never more than the run keeps in flight, since the rest would only
wait at the run's gate.

Parts with the same text (only their parameters differ: the same label and condition for
several keys) share one branch, `UNWIND $g AS row CALL (row) { <the text, $x read as
row.x> } RETURN <its columns>`: the server plans each distinct text once instead of once
per part. On a cleared query cache planning is most of these queries' cost (issue 28:
exact run at 200k, quality.examples' 92 branches took 2.4 s to plan and 0.9 s to run).
The subquery keeps each part's own LIMIT, per row.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cypher import prefix_parameters, replace_parameters
from ..errors import NeoSenseError
from ..graph_client import Row
from .context import RunContext

log = logging.getLogger(__name__)

_CLAUSE_AFTER_RETURN = re.compile(r"\s+(ORDER\s+BY|SKIP|LIMIT)\s.*$", re.S | re.I)
_ALIAS = re.compile(r"\sAS\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:,|$)")


@dataclass
class _Unit:
    """One branch of a batch: a part's text and the parts (indices, own parameters)
    that share it."""

    cypher: str
    members: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def returned_columns(cypher: str) -> list[str] | None:
    """The aliases of the last RETURN of a part (`$tag AS f, ... AS id`), or None where they
    cannot be read safely (a name or string in the clause, an item without an alias)."""
    at = cypher.rfind(" RETURN ")
    if at < 0:
        return None
    tail = _CLAUSE_AFTER_RETURN.sub("", cypher[at + len(" RETURN ") :])
    if any(c in tail for c in "`'\"") or "UNION" in tail.upper():
        return None
    aliases = _ALIAS.findall(tail)
    # As many aliases as items: the items hold no top-level comma but the separators.
    if not aliases or len(aliases) != _top_level_items(tail):
        return None
    return aliases


def _top_level_items(clause: str) -> int:
    depth, items = 0, 1
    for c in clause:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            items += 1
    return items


def _units(parts: Sequence[tuple[str, dict[str, Any]]]) -> list[_Unit]:
    """The parts, those with one text (and the same parameter names) sharing a unit; in the
    order of each text's first part."""
    units: dict[tuple[str, frozenset[str]], _Unit] = {}
    for index, (cypher, own) in enumerate(parts):
        unit = units.setdefault((cypher, frozenset(own)), _Unit(cypher))
        unit.members.append((index, own))
    return list(units.values())


def _grouped_branch(unit: _Unit, name: str, scoped: bool) -> tuple[str, dict[str, Any]] | None:
    """`UNWIND $<name> AS row CALL (row) { text with $x as row.x } RETURN columns`, or None
    where the text cannot be read per row (a parameter in LIMIT or SKIP, no clear columns)."""
    columns = returned_columns(unit.cypher)
    names = {"tag", *unit.members[0][1]}
    body = replace_parameters(unit.cypher, names, lambda n: f"row.{n}")
    if columns is None or re.search(r"\b(LIMIT|SKIP)\s+row\.", body, re.I):
        return None
    call = f"CALL (row) {{ {body} }}" if scoped else f"CALL {{ WITH row {body} }}"
    rows = [{**own, "tag": index} for index, own in unit.members]
    return f"UNWIND ${name} AS row {call} RETURN {', '.join(columns)}", {name: rows}


def _branches(ctx: RunContext, units: Sequence[_Unit]) -> tuple[str, dict[str, Any]]:
    branches: list[str] = []
    params: dict[str, Any] = {}
    for unit in units:
        first = unit.members[0][0]
        grouped = (
            _grouped_branch(unit, f"g{first}", ctx.caps.scoped_subqueries)
            if len(unit.members) > 1
            else None
        )
        if grouped is not None:
            text, own_params = grouped
            branches.append(text)
            params.update(own_params)
            continue
        for tag, own in unit.members:
            prefix = f"p{tag}_"
            named = {**own, "tag": tag}
            branches.append(prefix_parameters(unit.cypher, named, prefix))
            params.update({prefix + k: v for k, v in named.items()})
    return " UNION ALL ".join(branches), params


async def read_batched(
    ctx: RunContext,
    activity: str,
    query_name: str,
    parts: Sequence[tuple[str, dict[str, Any]]],
    *,
    batches: int | None = None,
) -> list[list[Row] | None]:
    """The rows of each part, in order; None for the parts of a batch that failed (logged).

    Each part is Cypher whose RETURN has `$tag AS f` first, with the same columns in every
    part, and its parameters.
    """
    results: list[list[Row] | None] = [None] * len(parts)
    if not parts:
        return results
    units = _units(parts)
    size = math.ceil(len(units) / (batches or ctx.concurrency))

    async def batch(chunk: Sequence[_Unit]) -> None:
        cypher, params = _branches(ctx, chunk)
        tags = [index for unit in chunk for index, _ in unit.members]
        try:
            rows = await ctx.read(activity, query_name, cypher, params)
        except NeoSenseError as exc:
            log.info("%s: %d parts not read: %s", query_name, len(tags), exc)
            return
        for tag in tags:
            results[tag] = []
        for row in rows:
            part = results[int(row["f"])]
            if part is not None:
                part.append(row)

    await asyncio.gather(*(batch(units[i : i + size]) for i in range(0, len(units), size)))
    return results
