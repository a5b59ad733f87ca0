"""The database's indexes and constraints as the report keeps them (SHOW INDEXES / SHOW
CONSTRAINTS). Each is read once per run through shared_reads.py, for statistics (which
reports them) and quality (whose checks use them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..report import Constraint, Index
from .context import PRIORITY_SHARED, RunContext


async def show_indexes(ctx: RunContext, activity: str) -> list[Index]:
    """SHOW INDEXES, every column the report keeps, by name."""
    rows = await ctx.read(activity, "indexes", "SHOW INDEXES YIELD *", priority=PRIORITY_SHARED)
    indexes = [
        Index(
            name=r["name"],
            type=str(r.get("type") or ""),
            entity_type=str(r.get("entityType") or ""),
            labels_or_types=list(r.get("labelsOrTypes") or []),
            properties=list(r.get("properties") or []),
            state=str(r.get("state") or ""),
            population_percent=_float(r.get("populationPercent")),
            owning_constraint=r.get("owningConstraint"),
            read_count=_int(r.get("readCount")),
            last_read=_iso(r.get("lastRead")),
            options=_plain(r.get("options")),
        )
        for r in rows
    ]
    return sorted(indexes, key=lambda i: i.name)


async def show_constraints(ctx: RunContext, activity: str) -> list[Constraint]:
    """SHOW CONSTRAINTS, by name."""
    rows = await ctx.read(
        activity, "constraints", "SHOW CONSTRAINTS YIELD *", priority=PRIORITY_SHARED
    )
    constraints = [
        Constraint(
            name=r["name"],
            type=str(r.get("type") or ""),
            entity_type=str(r.get("entityType") or ""),
            labels_or_types=list(r.get("labelsOrTypes") or []),
            properties=list(r.get("properties") or []),
            owned_index=r.get("ownedIndex"),
            property_type=r.get("propertyType"),
        )
        for r in rows
    ]
    return sorted(constraints, key=lambda c: c.name)


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "iso_format"):
        return str(value.iso_format())
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> dict[str, Any]:
    """An options map as JSON values: numbers, strings, booleans and lists of them stay;
    anything else (a driver type) becomes its text."""

    def convert(v: Any) -> Any:
        if v is None or isinstance(v, bool | int | float | str):
            return v
        if isinstance(v, dict):
            return {str(k): convert(x) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [convert(x) for x in v]
        return str(v)

    return convert(value) if isinstance(value, dict) else {}
