"""Cypher type expressions (`INTEGER`, `LIST<STRING NOT NULL>`, `INTEGER | STRING`) parsed
from text, and written back in Neo4j's canonical spelling.

A report file is untrusted: a constraint's property type or a property's observed types are
text that lands in a Cypher script or an LLM prompt. Nothing of that text is ever written
out; it is parsed with the type grammar of the Cypher manual ("Types and their synonyms")
and the parsed type is written from its parts. What does not parse is refused
(CypherTypeError), so `INTEGER;\\nMATCH (n) DETACH DELETE n` cannot become a statement.

The grammar, keywords case-insensitive, any ASCII whitespace between words:

    type    := member ('|' member)*
    member  := base ['NOT' 'NULL']
    base    := NOTHING | NULL | BOOL[EAN] | STRING | VARCHAR | INT[EGER] | SIGNED INTEGER
             | FLOAT | DATE | DURATION | POINT | LOCAL (TIME | DATETIME)
             | ZONED (TIME | DATETIME) | (TIME | TIMESTAMP) (WITH | WITHOUT) TIME ZONE
             | NODE | VERTEX | RELATIONSHIP | EDGE | MAP | PATH | PROPERTY VALUE
             | ANY [NODE | VERTEX | RELATIONSHIP | EDGE | MAP | VALUE | PROPERTY VALUE]
             | ANY '<' type '>' | (LIST | ARRAY) '<' type '>'
             | VECTOR ['<' coordinate ['NOT' 'NULL'] '>' '(' dimension ')']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longer texts and deeper nesting than any real type are refused, not parsed.
MAX_TYPE_CHARS = 400
MAX_DEPTH = 8
MAX_VECTOR_DIMENSION = 1_000_000

# Synonym -> the name Neo4j prints (SHOW CONSTRAINTS, valueType()).
_ONE_WORD = {
    "NOTHING": "NOTHING",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "BOOLEAN": "BOOLEAN",
    "STRING": "STRING",
    "VARCHAR": "STRING",
    "INT": "INTEGER",
    "INTEGER": "INTEGER",
    "FLOAT": "FLOAT",
    "DATE": "DATE",
    "DURATION": "DURATION",
    "POINT": "POINT",
    "NODE": "NODE",
    "VERTEX": "NODE",
    "RELATIONSHIP": "RELATIONSHIP",
    "EDGE": "RELATIONSHIP",
    "MAP": "MAP",
    "PATH": "PATH",
}
_AFTER_ANY = {
    "NODE": "NODE",
    "VERTEX": "NODE",
    "RELATIONSHIP": "RELATIONSHIP",
    "EDGE": "RELATIONSHIP",
    "MAP": "MAP",
    "VALUE": "ANY",
}
VECTOR_COORDINATES = frozenset(
    {"INTEGER8", "INTEGER16", "INTEGER32", "INTEGER64", "FLOAT32", "FLOAT64"}
)
# What a property can hold, so what a property type constraint may require (a LIST of one
# of these, NOT NULL inside, too).
PROPERTY_TYPES = frozenset(
    {
        "BOOLEAN",
        "STRING",
        "INTEGER",
        "FLOAT",
        "DATE",
        "LOCAL TIME",
        "ZONED TIME",
        "LOCAL DATETIME",
        "ZONED DATETIME",
        "DURATION",
        "POINT",
    }
)

_SPACE = re.compile(r"[ \t\r\n]*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+|[<>|()]")


class CypherTypeError(ValueError):
    """The text is not a Cypher type this grammar knows."""


@dataclass(frozen=True)
class Simple:
    name: str  # canonical, e.g. "LOCAL DATETIME", "ANY"
    not_null: bool = False

    def __str__(self) -> str:
        return self.name + (" NOT NULL" if self.not_null else "")


@dataclass(frozen=True)
class ListOf:
    inner: CypherType
    not_null: bool = False

    def __str__(self) -> str:
        return f"LIST<{self.inner}>" + (" NOT NULL" if self.not_null else "")


@dataclass(frozen=True)
class Vector:
    coordinate: str | None  # None: VECTOR alone
    dimension: int | None
    coordinate_not_null: bool = False
    not_null: bool = False

    def __str__(self) -> str:
        text = "VECTOR"
        if self.coordinate is not None:
            inner = self.coordinate + (" NOT NULL" if self.coordinate_not_null else "")
            text += f"<{inner}>({self.dimension})"
        return text + (" NOT NULL" if self.not_null else "")


@dataclass(frozen=True)
class Union:
    """`A | B`, or ANY<A | B> (the same type; Neo4j prints the first form)."""

    members: tuple[CypherType, ...]
    not_null: bool = False  # ANY<A | B> NOT NULL

    def __str__(self) -> str:
        inner = " | ".join(str(m) for m in self.members)
        return f"ANY<{inner}> NOT NULL" if self.not_null else inner


CypherType = Simple | ListOf | Vector | Union


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    pos = _SPACE.match(text).end()  # type: ignore[union-attr]
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise CypherTypeError(f"unexpected character {text[pos]!r}")
        out.append(match.group().upper())
        pos = _SPACE.match(text, match.end()).end()  # type: ignore[union-attr]
    return out


class _Parser:
    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, ahead: int = 0) -> str | None:
        i = self.at + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, *expected: str) -> str:
        token = self.peek()
        if token is None or (expected and token not in expected):
            want = " or ".join(expected) if expected else "a type"
            raise CypherTypeError(f"expected {want}, found {token or 'the end'}")
        self.at += 1
        return token

    def not_null(self) -> bool:
        if self.peek() == "NOT" and self.peek(1) == "NULL":
            self.at += 2
            return True
        return False

    def union(self, depth: int) -> CypherType:
        if depth > MAX_DEPTH:
            raise CypherTypeError("nested too deeply")
        members = [self.member(depth)]
        while self.peek() == "|":
            self.take("|")
            members.append(self.member(depth))
        return members[0] if len(members) == 1 else Union(tuple(members))

    def member(self, depth: int) -> CypherType:
        base = self.base(depth)
        if self.not_null():
            if isinstance(base, Simple):
                return Simple(base.name, True)
            if isinstance(base, ListOf):
                return ListOf(base.inner, True)
            if isinstance(base, Vector):
                return Vector(base.coordinate, base.dimension, base.coordinate_not_null, True)
            return Union(base.members, True)
        return base

    def inner(self, depth: int) -> CypherType:
        self.take("<")
        inner = self.union(depth + 1)
        self.take(">")
        return inner

    def base(self, depth: int) -> CypherType:
        word = self.take()
        if word in _ONE_WORD:
            return Simple(_ONE_WORD[word])
        if word in ("LOCAL", "ZONED"):
            return Simple(f"{word} {self.take('TIME', 'DATETIME')}")
        if word in ("TIME", "TIMESTAMP"):
            zoned = self.take("WITH", "WITHOUT") == "WITH"
            self.take("TIME")
            self.take("ZONE")
            kind = "TIME" if word == "TIME" else "DATETIME"
            return Simple(("ZONED " if zoned else "LOCAL ") + kind)
        if word == "SIGNED":
            self.take("INTEGER")
            return Simple("INTEGER")
        if word == "PROPERTY":
            self.take("VALUE")
            return Simple("PROPERTY VALUE")
        if word in ("LIST", "ARRAY"):
            return ListOf(self.inner(depth))
        if word == "ANY":
            after = self.peek()
            if after == "<":
                inner = self.inner(depth)
                return inner if isinstance(inner, Union) else Union((inner,))
            if after in _AFTER_ANY:
                self.at += 1
                return Simple(_AFTER_ANY[after])
            if after == "PROPERTY":
                self.at += 1
                self.take("VALUE")
                return Simple("PROPERTY VALUE")
            return Simple("ANY")
        if word == "VECTOR":
            return self.vector()
        raise CypherTypeError(f"{word} is not a Cypher type")

    def vector(self) -> Vector:
        if self.peek() != "<":
            return Vector(None, None)
        self.take("<")
        coordinate = self.take(*sorted(VECTOR_COORDINATES))
        coordinate_not_null = self.not_null()
        self.take(">")
        self.take("(")
        digits = self.take()
        if not digits.isdigit() or not 0 < int(digits) <= MAX_VECTOR_DIMENSION:
            raise CypherTypeError(f"{digits} is not a vector dimension")
        self.take(")")
        return Vector(coordinate, int(digits), coordinate_not_null)


def parse_type(text: str) -> CypherType:
    """The type `text` spells, or CypherTypeError. str() of the result is Neo4j's spelling."""
    if not isinstance(text, str):
        raise CypherTypeError("a type is text")
    if len(text) > MAX_TYPE_CHARS:
        raise CypherTypeError(f"longer than {MAX_TYPE_CHARS} characters")
    parser = _Parser(_tokens(text))
    if not parser.tokens:
        raise CypherTypeError("empty")
    parsed = parser.union(0)
    if parser.peek() is not None:
        raise CypherTypeError(f"unexpected {parser.peek()} after the type")
    return parsed


def _is_property_member(member: CypherType) -> bool:
    if isinstance(member, Simple):
        return member.name in PROPERTY_TYPES and not member.not_null
    if isinstance(member, ListOf):
        inner = member.inner
        return (
            not member.not_null
            and isinstance(inner, Simple)
            and inner.name in PROPERTY_TYPES
            and inner.not_null
        )
    if isinstance(member, Vector):
        return not member.not_null and member.coordinate is not None
    return False


def constraint_property_type(text: str) -> str:
    """The type a property type constraint requires, as Neo4j spells it (CypherTypeError if
    it is not one: a property type, a LIST of one with NOT NULL inside, or a union of those)."""
    parsed = parse_type(text)
    members = parsed.members if isinstance(parsed, Union) else (parsed,)
    if isinstance(parsed, Union) and parsed.not_null:
        raise CypherTypeError("a property type constraint cannot require NOT NULL")
    for member in members:
        if not _is_property_member(member):
            raise CypherTypeError(f"{member} is not a type a property can be constrained to")
    return " | ".join(str(m) for m in members)
