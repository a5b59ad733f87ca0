"""Names and values as a terminal may show them.

A label, type, key or database name comes from whoever can write to the graph (or from a
hand-made report). Printed raw, `ESC ]52;c;...BEL` writes the user's clipboard (OSC 52),
others retitle the terminal or clear the screen. Everything the CLI prints that came from a
graph or a report goes through `printable` first.
"""

from __future__ import annotations


def _is_control(ch: str) -> bool:
    code = ord(ch)
    # C0 (which holds ESC and BEL), DEL, C1; the bidirectional overrides and isolates, which
    # make "\u202egnp.exe" read as "exe.png"; and the lone surrogates that a JSON file can
    # carry as "\ud800" and that no terminal encoding can write.
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or 0xD800 <= code <= 0xDFFF
    )


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\x07`, `\\x9b`).

    A backslash is left as it is: the escapes are for a person to read, not to be parsed
    back. keep_newlines keeps "\\n" for text that is meant to span lines (a message), never
    for a name.
    """
    if not any(_is_control(ch) for ch in text):
        return text
    return "".join(
        ch if not _is_control(ch) or (keep_newlines and ch == "\n") else _escape(ch) for ch in text
    )


def printable_json(text: str) -> str:
    """JSON text (as json.dumps or pydantic write it) with every control character left in
    its strings written as a JSON escape (`\\u001b`, `\\u009b`, `\\u202e`): the same data for
    a parser, nothing a terminal acts on. json.dumps escapes C0 itself but, with
    ensure_ascii=False, writes DEL, C1 and the bidirectional controls raw.

    The line breaks between values are kept: JSON escapes every line break inside a string,
    so a raw one is always layout.
    """
    if not any(_is_control(ch) and ch != "\n" for ch in text):
        return text
    return "".join(f"\\u{ord(ch):04x}" if _is_control(ch) and ch != "\n" else ch for ch in text)
