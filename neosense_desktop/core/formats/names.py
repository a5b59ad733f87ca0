"""Labels, types, property keys and strings written into Cypher text that is read back.

cypher_name (the llm format) and script_name (the cypher format) quote as
core.cypher.escape_name does: backticks, doubled backticks, and every backslash as the
escape \\u005C. Neo4j decodes \\uXXXX escapes before it tokenizes, so an escape is read as
the very character it stands for, and the name stays the same. Written as escapes:

- both: control characters (C0, DEL, C1, line and paragraph separators), the bidirectional
  controls and lone surrogates, so one statement or schema line stays one line, nothing
  reorders the text around a name, and a NUL (which escape_name refuses in a query) can be
  written here, where the text is output;
- script_name also: `;` (a tool that splits a script on every `;` cannot cut a statement
  inside a name) and every character outside printable ASCII, so the script is pure ASCII
  and reads the same whatever charset cypher-shell decodes it with (Java 17 in a C locale
  reads a UTF-8 file as ASCII and turns each non-ASCII byte of a name into '?').

script_string is the same for a double-quoted string literal (index options).
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# In a script: everything but printable ASCII, and `;`.
_NOT_SCRIPT_SAFE = re.compile(r"[^\x20-\x3a\x3c-\x7e]")


def unicode_escape(ch: str) -> str:
    """\\uXXXX for one character; a character beyond the BMP as its UTF-16 surrogate pair
    (Neo4j decodes escapes into Java's UTF-16 chars, so the pair is the character)."""
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"


def _quoted(name: str) -> str:
    return "`" + name.replace("\\", "\\u005C").replace("`", "``") + "`"


def cypher_name(name: str) -> str:
    """Always backtick-quoted: safe for any name, including keywords. One line."""
    return _CONTROL.sub(lambda m: unicode_escape(m.group()), _quoted(name))


def script_text(text: str) -> str:
    """Every character outside printable ASCII, and `;`, as a \\uXXXX escape."""
    return _NOT_SCRIPT_SAFE.sub(lambda m: unicode_escape(m.group()), text)


def script_name(name: str) -> str:
    """cypher_name, pure ASCII and with no `;`: for the lines of a Cypher script."""
    return script_text(_quoted(name))


def script_string(text: str) -> str:
    """A double-quoted Cypher string literal, pure ASCII and with no `;`.

    The backslash and the double quote get Cypher's own string escapes (`\\\\`, `\\"`), never
    \\u005C or \\u0022: decoded before tokenizing, those would end the literal."""
    body = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + script_text(body) + '"'


def schema_name(name: str) -> str:
    """Bare when the name is a plain identifier (as LangChain and neo4j-graphrag print
    names), backtick-quoted as Cypher does otherwise, so `A B` and `A:B` stay one name."""
    return name if _PLAIN.match(name) else cypher_name(name)
