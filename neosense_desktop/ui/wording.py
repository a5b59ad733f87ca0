"""The words the window uses for the engine's names: activities, progress counters, finding
codes, provenance and plurals. Internal names ("node_labels", "nodes_read",
"unused_label_token") never reach the screen; a name this module does not know yet (a
newer engine's) is shown with its underscores as spaces rather than as it is.
"""

from __future__ import annotations

# The provenance words, the activity and finding titles and the multi-label rule are core's,
# shared with the exports and the drift check; the window's modules take them from here.
from ..core.wording import ACTIVITY_TITLES as ACTIVITY_TITLES
from ..core.wording import FINDING_TITLES as FINDING_TITLES
from ..core.wording import MULTI_LABEL_RULE as MULTI_LABEL_RULE
from ..core.wording import activity_title as activity_title
from ..core.wording import combination_estimate_text as combination_estimate_text
from ..core.wording import finding_title as finding_title
from ..core.wording import humanize as humanize
from ..core.wording import is_estimate as is_estimate
from ..core.wording import provenance_sentence as provenance_sentence
from ..core.wording import provenance_text as provenance_text
from ..core.wording import sample_limit_text as sample_limit_text
from ..core.wording import seen_in_text as seen_in_text

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


# What a finding counts, for a short line beside the property it concerns ("22 placeholder
# values"); other codes read "<title>: <n> affected".
FINDING_NOUNS: dict[str, tuple[str, str]] = {
    "sentinel_values": ("placeholder value", "placeholder values"),
    "empty_strings": ("empty string", "empty strings"),
    "numeric_strings": ("number stored as text", "numbers stored as text"),
    "boolean_strings": ("boolean stored as text", "booleans stored as text"),
    "date_strings": ("date stored as text", "dates stored as text"),
    "string_ids": ("ID stored as text", "IDs stored as text"),
    "duplicate_key_values": ("duplicate key value", "duplicate key values"),
}

STATE_WORDS = {
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "cancelled",
    "skipped": "skipped",
    "waiting": "waiting",
    "running": "running",
}


def finding_phrase(code: str, affected: int | None, estimated: bool = False) -> str:
    """A finding as a short phrase: "22 placeholder values", "~120 numbers stored as
    text", "Property with mixed types: 5 affected", "Key without a constraint"."""
    if affected is None:
        return finding_title(code)
    count = f"{'~' if estimated else ''}{affected:,}"
    words = FINDING_NOUNS.get(code)
    if words is None:
        return f"{finding_title(code)}: {count} affected"
    return f"{count} {words[0] if affected == 1 else words[1]}"


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
