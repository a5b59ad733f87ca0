"""Many small reads sent as a few queries, however many labels, types or findings there are.

A round trip plus planning costs more than most per-finding reads (quality's examples).
read_batched() sends them as at most `batches` queries (by default the run's concurrency:
4 on a 2-core server, up to 16 on a large one), each a UNION ALL
of the parts: each part keeps its own LIMIT and its parameters, renamed apart
(cypher.prefix_parameters), and marks its rows with `$tag`, so the rows go back to the part
that read them. A few queries rather than one keep the server's cores busy (Community runs a
query on one thread); never more than the run keeps in flight, since the rest would only
wait at the run's gate.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from typing import Any

from ..cypher import prefix_parameters
from ..errors import NeoSenseError
from ..graph_client import Row
from .context import RunContext

log = logging.getLogger(__name__)


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
    size = math.ceil(len(parts) / (batches or ctx.concurrency))

    async def batch(first: int, chunk: Sequence[tuple[str, dict[str, Any]]]) -> None:
        branches: list[str] = []
        params: dict[str, Any] = {}
        for tag, (cypher, own) in enumerate(chunk, first):
            prefix = f"p{tag}_"
            named = {**own, "tag": tag}
            branches.append(prefix_parameters(cypher, named, prefix))
            params.update({prefix + k: v for k, v in named.items()})
        try:
            rows = await ctx.read(activity, query_name, " UNION ALL ".join(branches), params)
        except NeoSenseError as exc:
            log.info("%s: %d parts not read: %s", query_name, len(chunk), exc)
            return
        for tag in range(first, first + len(chunk)):
            results[tag] = []
        for row in rows:
            part = results[int(row["f"])]
            if part is not None:
                part.append(row)

    await asyncio.gather(*(batch(i, parts[i : i + size]) for i in range(0, len(parts), size)))
    return results
