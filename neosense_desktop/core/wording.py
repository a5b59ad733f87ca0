"""The words for where a report's numbers came from and how they are counted.

One source for the window (ui.wording re-exports these) and the human-readable exports
(formats.facts), so a count reads the same in the tree, the details pane, an html page and a
Markdown file. Plain text: each caller escapes for where it goes.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window uses these words before the report models load
    from .report import LabelCombination, Provenance, SampleLimit

# How a relationship between nodes of several labels is counted in patterns (the engine's
# rule, also stated in the report schema's Pattern.count description).
MULTI_LABEL_RULE = (
    "A relationship whose start or end node has several labels counts once per start-label "
    "× end-label pair, so a type's pattern counts can add up to more than its count."
)

_METHOD_WORDS = {"count_store": "count store", "scan": "full scan"}


def is_estimate(p: Provenance | None) -> bool:
    return p is not None and p.method == "sample"


def provenance_text(p: Provenance | None) -> str:
    """Where a number came from, in a few words for a cell: "count store", "sample of 1,000"."""
    if p is None:
        return ""
    if p.method == "sample":
        return f"sample of {p.sample_size:,}" if p.sample_size is not None else "sample"
    return _METHOD_WORDS.get(p.method) or p.method.replace("_", " ")


def provenance_qualified(p: Provenance | None) -> str:
    """provenance_text with whether the number is exact, for a page without tooltips:
    "count store (exact)", "sample of 1,000 (estimate)"."""
    if p is None:
        return ""
    return f"{provenance_text(p)} ({'estimate' if is_estimate(p) else 'exact'})"


def provenance_sentence(p: Provenance | None) -> str:
    """Where a number came from, as a sentence for a tooltip or the details."""
    if p is None:
        return "Source not recorded."
    if p.method == "count_store":
        return "Exact, from Neo4j's count store."
    if p.method == "scan":
        return "Exact, from reading every entity."
    size = f" of {p.sample_size:,} entities" if p.sample_size is not None else ""
    return f"Estimated from a sample{size}."


def count_text(count: int | None, p: Provenance | None = None) -> str:
    """A count with "~" when it is an estimate, "–" when unknown."""
    if count is None:
        return "–"
    return f"~{count:,}" if is_estimate(p) else f"{count:,}"


def time_text(moment: datetime) -> str:
    """A report's time to the second, with its zone: "2026-12-07 08:09:03 UTC"."""
    return f"{moment:%Y-%m-%d %H:%M:%S %Z}".strip()


def duration_text(seconds: float) -> str:
    """A duration as people read it: "0.3 ms", "45 ms", "1.2 s", "2 min 5 s"."""
    if seconds < 0.001:
        return f"{seconds * 1000:.1g} ms" if seconds >= 0.00005 else "under 0.1 ms"
    if seconds < 0.1:
        return f"{seconds * 1000:.2g} ms"
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


# The words for the engine's activities (the window and the drift check).
ACTIVITY_TITLES = {
    "node_labels": "Node labels",
    "relationship_types": "Relationship types",
    "schema": "Properties and types",
    "quality_and_context": "Quality and context",
    "statistics_and_indexes": "Statistics and indexes",
}


# The words for the engine's finding codes (the window, the exports and the drift check).
FINDING_TITLES = {
    "unused_label_token": "Unused label name",
    "unused_relationship_type_token": "Unused relationship type name",
    "index_not_online": "Index not online",
    "index_never_read": "Index never read",
    "unlabeled_nodes": "Nodes without a label",
    "orphan_nodes": "Nodes without relationships",
    "multi_label_segment": "Nodes with several labels",
    "mixed_type_property": "Property with mixed types",
    "sparse_property": "Sparsely filled property",
    "key_check_failed": "Key check failed",
    "key_without_constraint": "Key without a constraint",
    "key_with_range_index_only": "Key with an index but no constraint",
    "string_ids": "IDs stored as strings",
    "numeric_strings": "Numbers stored as strings",
    "boolean_strings": "Booleans stored as strings",
    "date_strings": "Dates stored as strings",
    "empty_strings": "Empty strings",
    "sentinel_values": "Placeholder values",
    "duplicate_key_values": "Duplicate key values",
    "cross_type_mismatch": "Type differs across labels",
    "property_name_variants": "Property name variants",
    "naming_conventions": "Naming conventions",
    "redundant_index": "Redundant index",
    "property_keys_not_seen": "Property names never seen",
}


def humanize(name: str) -> str:
    """An engine name not known here, readable: "some_new_code" -> "Some new code"."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else name


def finding_title(code: str) -> str:
    return FINDING_TITLES.get(code) or humanize(code)


def activity_title(name: str) -> str:
    return ACTIVITY_TITLES.get(name) or humanize(name)


def sample_limit_text(limit: SampleLimit | None, noun: str = "entities") -> str:
    """What a sample can miss, for a plan line, the details pane and the exports:
    "1,000 of 8,003 nodes read: a key held by fewer than 23 of them (0.29 %) may be
    unseen (95 % confidence)"; "" when everything was read."""
    if limit is None:
        return ""
    return (
        f"{limit.read:,} of {limit.population:,} {noun} read: a key held by fewer than "
        f"{limit.missable_below:,} of them ({limit.missable_share:.2%}) may be unseen "
        f"({limit.confidence:.0%} confidence)"
    )


def combination_estimate_text(combination: LabelCombination) -> str:
    """How an estimated label combination was counted: "estimated from a sample of 1,000
    (:OS) nodes, 95 % interval 0-14"; "" for an exact one."""
    low, high = combination.lower_bound, combination.upper_bound
    if low is None or high is None:
        return ""
    p = combination.provenance
    size = f" of {p.sample_size:,}" if p is not None and p.sample_size is not None else ""
    whose = f"(:{combination.counted_in}) nodes" if combination.counted_in else "nodes"
    return f"estimated from a sample{size} {whose}, 95 % interval {low:,}–{high:,}"


def seen_in_text(seen_in: list[str]) -> str:
    """Which other labels' reads saw a key this label's sample missed: "seen on nodes read
    for :Software" ("" when none)."""
    if not seen_in:
        return ""
    return "seen on nodes read for " + ", ".join(f":{x}" for x in seen_in)


# Progress counters: (singular, plural).
COUNTER_WORDS: dict[str, tuple[str, str]] = {
    "labels": ("label", "labels"),
    "types": ("relationship type", "relationship types"),
    "patterns": ("pattern", "patterns"),
    "properties": ("property", "properties"),
    "indexes": ("index", "indexes"),
    "findings": ("finding", "findings"),
    "supernodes": ("supernode", "supernodes"),
    "nodes": ("node", "nodes"),
    "nodes_read": ("node read", "nodes read"),
    "unused_label_tokens": ("unused label name", "unused label names"),
}

STATE_WORDS = {
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "skipped": "skipped",
    "waiting": "waiting",
    "running": "running",
}


def state_word(state: str) -> str:
    return STATE_WORDS.get(state, humanize(state).lower())


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 finding", "2 findings", "1 property", "3 properties" (thousands separated)."""
    if count == 1:
        return f"1 {singular}"
    if plural_form is None:
        if singular.endswith("y") and singular[-2:-1] not in "aeiou":
            plural_form = singular[:-1] + "ies"
        elif singular.endswith(("s", "x", "sh", "ch")):
            plural_form = singular + "es"
        else:
            plural_form = singular + "s"
    return f"{count:,} {plural_form}"


def counter_text(name: str, value: int) -> str:
    """One progress counter as words: "1,035 nodes read", "1 unused label name"."""
    words = COUNTER_WORDS.get(name)
    if words is None:
        return plural(value, humanize(name).lower())
    return plural(value, *words)


def counters_text(counts: dict[str, int]) -> str:
    return ", ".join(counter_text(k, v) for k, v in counts.items())
