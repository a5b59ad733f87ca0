"""The words the window uses for the engine's names: activities, progress counters, finding
codes, provenance and plurals. Internal names ("node_labels", "nodes_read",
"unused_label_token") never reach the screen; a name this module does not know yet (a
newer engine's) is shown with its underscores as spaces rather than as it is.
"""

from __future__ import annotations

# The provenance words, the activity and finding titles and the multi-label rule are core's,
# shared with the exports and the drift check; the window's modules take them from here.
from ..core.wording import ACTIVITY_TITLES as ACTIVITY_TITLES
from ..core.wording import COUNTER_WORDS as COUNTER_WORDS
from ..core.wording import FINDING_TITLES as FINDING_TITLES
from ..core.wording import MULTI_LABEL_RULE as MULTI_LABEL_RULE
from ..core.wording import STATE_WORDS as STATE_WORDS
from ..core.wording import activity_title as activity_title
from ..core.wording import combination_estimate_text as combination_estimate_text
from ..core.wording import counter_text as counter_text
from ..core.wording import counters_text as counters_text
from ..core.wording import finding_title as finding_title
from ..core.wording import humanize as humanize
from ..core.wording import is_estimate as is_estimate
from ..core.wording import plural as plural
from ..core.wording import provenance_sentence as provenance_sentence
from ..core.wording import provenance_text as provenance_text
from ..core.wording import sample_limit_text as sample_limit_text
from ..core.wording import seen_in_text as seen_in_text
from ..core.wording import state_word as state_word

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
