"""Cypher name escaping. Labels, types and property keys are data, never query text."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def escape_name(name: str) -> str:
    """Quote a label, relationship type or property key for use in Cypher.

    Always backtick-quotes, so keywords, spaces, dots and any Unicode are safe, and doubles
    embedded backticks, Cypher's escape inside a quoted name.

    Neo4j's parser also decodes Java-style ``\\uXXXX`` escapes *before* it tokenizes, even
    inside backticks: a name holding the six characters ``\\u0060`` would close the quoting
    and let the rest of the name run as Cypher. So every backslash is written as the escape
    ``\\u005C``, which decodes to one literal backslash that cannot start another escape.

    A `;` is written as ``\\u003B`` (the server reads the same name): the suggested Cypher
    in a report is pasted into scripts, and a tool that splits a script on every `;` would
    otherwise cut the statement inside the name and run the rest.
    """
    if "\x00" in name:
        raise ValueError("a Cypher name cannot contain a NUL character")
    quoted = name.replace("\\", "\\u005C").replace("`", "``").replace(";", "\\u003B")
    return "`" + quoted + "`"


def supports_scoped_subqueries(version: str) -> bool:
    """`CALL () { ... }` exists from Neo4j 5.23 on (and in every calendar version)."""
    parts = version.split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return True  # unknown: assume a current server
    return major >= 2025 or (major, minor) >= (5, 23)


def plans_dynamic_label_scans(version: str) -> bool:
    """`MATCH (n:$(x))` and `-[r:$(x)]->` read the token lookup index
    (DynamicLabelNodeLookup, DynamicDirectedRelationshipTypeLookup) on 2026.08.1, even when
    x comes from an UNWIND; 5.26.19 plans an AllNodesScan (AllRelationshipsScan) with a
    filter (EXPLAIN on both, issue 28). Releases between were not checked: they get the
    static names."""
    parts = version.split(".")
    try:
        major, minor = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        return False  # unknown: the static names are right on every server
    return (major, minor) >= (2026, 8)


def subquery(body: str, *, scoped: bool) -> str:
    """A CALL subquery that imports nothing. 5.23+ deprecates the bare `CALL { }` (a
    DEPRECATION notification on 5.26 and 2025+) for `CALL () { }`, which older 5.x lack."""
    return f"CALL () {{ {body} }}" if scoped else f"CALL {{ {body} }}"


def prefix_parameters(cypher: str, names: Iterable[str], prefix: str) -> str:
    """`cypher` with each parameter `$name` of `names` renamed `$<prefix><name>`, so that
    several parts with the same parameter names can be sent as one query (UNION ALL).

    Text inside backtick-quoted names and string literals is left alone: a label may be
    called `$sample_limit`, and a string may hold a dollar sign.
    """
    return replace_parameters(cypher, names, lambda name: f"${prefix}{name}")


def replace_parameters(cypher: str, names: Iterable[str], replace: Callable[[str], str]) -> str:
    """`cypher` with each parameter `$name` of `names` replaced by `replace(name)` (another
    parameter, or an expression such as `row.name`); names and strings are left alone, as
    in prefix_parameters."""
    wanted = set(names)
    out: list[str] = []
    i, n = 0, len(cypher)
    while i < n:
        c = cypher[i]
        if c in "`'\"":
            j = i + 1
            while j < n:
                if cypher[j] == "\\" and c != "`":
                    j += 2
                    continue
                if cypher[j] == c:
                    if c == "`" and j + 1 < n and cypher[j + 1] == "`":  # `` inside a name
                        j += 2
                        continue
                    break
                j += 1
            out.append(cypher[i : j + 1])
            i = j + 1
        elif c == "$":
            j = i + 1
            while j < n and (cypher[j].isalnum() or cypher[j] == "_"):
                j += 1
            name = cypher[i + 1 : j]
            out.append(replace(name) if name in wanted else cypher[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)
