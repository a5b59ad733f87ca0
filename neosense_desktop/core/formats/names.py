"""Labels, types and property keys written as Cypher names on one line.

Used by the llm and cypher formats. Quoting follows core.cypher.escape_name (backticks,
doubled backticks, every backslash as the escape \\u005C), and also writes control
characters such as newlines as \\uXXXX escapes: Neo4j decodes those before it tokenizes, so
the name is the same, and one statement or schema line stays one line. A NUL (which
escape_name refuses in a query) is written the same way, since here the text is output.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def cypher_name(name: str) -> str:
    """Always backtick-quoted: safe for any name, including keywords."""
    text = name.replace("\\", "\\u005C").replace("`", "``")
    return "`" + _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text) + "`"


def schema_name(name: str) -> str:
    """Bare when the name is a plain identifier (as LangChain and neo4j-graphrag print
    names), backtick-quoted as Cypher does otherwise, so `A B` and `A:B` stay one name."""
    return name if _PLAIN.match(name) else cypher_name(name)
