"""Names as the html and markdown formats show them to a person.

A name may hold a bidirectional control, which reorders what follows it: "\\u202egnp.exe"
reads as "exe.png". It may hold control characters a page would drop or a viewer would act
on. Each of those is shown as a visible marker instead, e.g. ⟨U+202E⟩, so the reader sees
that it is there and the text keeps its order. Tabs and line breaks are left to each format
(html collapses them, markdown writes <br>).
"""

from __future__ import annotations

import re

# C0 but tab and line breaks, DEL, C1, the bidirectional marks, embeddings, overrides and
# isolates, and lone surrogates (which no UTF-8 file can hold).
_HIDDEN = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
ELLIPSIS = "…"


def visible(text: str) -> str:
    """text with each hidden or reordering character shown as ⟨U+XXXX⟩."""
    return _HIDDEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def cut(text: str, limit: int) -> str:
    """text, or its first limit - 1 characters and an ellipsis when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
