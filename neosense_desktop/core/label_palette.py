"""One colour per label, the same in the window's schema picture and in the exports.

Okabe & Ito's palette (without black) stays distinguishable under the common colour-vision
deficiencies. A hash alone gave Northwind's 5 labels only 2 colours, so the labels take
their colours in order of size: each starts from the colour its name hashes to and, if a
larger label already has that one, takes the next free colour. The largest labels (as many
as the palette has colours) therefore always differ; past that, labels share colours by
their hash, and the legend and the name under each disc tell them apart. A label keeps its
colour across runs as long as the labels around it in size do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

# Okabe & Ito (2008): orange, sky blue, bluish green, yellow, blue, vermillion, purple.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


def _preferred(name: str) -> int:
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:4], "big") % len(PALETTE)


def label_colours(labels: Iterable[tuple[str, int]]) -> dict[str, str]:
    """Label name -> "#RRGGBB", for (name, count) pairs (the order given does not matter)."""
    ranked = sorted(labels, key=lambda nc: (-nc[1], nc[0]))
    colours: dict[str, str] = {}
    free = list(range(len(PALETTE)))
    for name, _count in ranked:
        if name in colours:
            continue
        want = _preferred(name)
        if free:
            # The first free colour at or after the preferred one, wrapping round.
            pick = min(free, key=lambda c: (c - want) % len(PALETTE))
            free.remove(pick)
        else:
            pick = want
        colours[name] = PALETTE[pick]
    return colours


def text_colour_on(fill: str) -> str:
    """Black or white, whichever reads better on the fill (WCAG relative luminance)."""
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with black (L+0.05)/0.05 against white 1.05/(L+0.05): equal at L ~ 0.179.
    return "#000000" if luminance > 0.179 else "#FFFFFF"
