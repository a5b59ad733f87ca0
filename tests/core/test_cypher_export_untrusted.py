"""The cypher export of a hand-made hostile report (issue 24): property types through the
type grammar, kinds from the known sets, options from values, names with no `;`. The proof
with the real cypher-shell on a real server is integration/test_cypher_shell_export.py."""

from __future__ import annotations

import re

import pytest

from neosense_desktop.core.formats import render
from neosense_desktop.core.formats.cypher import LeftOut, cypher_value
from neosense_desktop.core.formats.cypher_types import (
    CypherTypeError,
    constraint_property_type,
    parse_type,
)
from neosense_desktop.core.formats.names import script_name, script_string
from tests.hostile_reports import (
    DELETE_ALL,
    HOSTILE_CONSTRAINTS,
    HOSTILE_INDEXES,
    INJECTED_TYPE,
    LEGIT_CONSTRAINTS,
    LEGIT_INDEXES,
    hostile_report,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("INTEGER", "INTEGER"),
        ("int", "INTEGER"),
        ("SIGNED INTEGER", "INTEGER"),
        ("bool", "BOOLEAN"),
        ("VARCHAR", "STRING"),
        ("LOCAL DATETIME", "LOCAL DATETIME"),
        ("timestamp with time zone", "ZONED DATETIME"),
        ("TIME WITHOUT TIME ZONE", "LOCAL TIME"),
        ("LIST<STRING NOT NULL>", "LIST<STRING NOT NULL>"),
        ("array < int not null >", "LIST<INTEGER NOT NULL>"),
        ("INTEGER | STRING", "INTEGER | STRING"),
        ("ANY<FLOAT | DATE>", "FLOAT | DATE"),
        ("ANY VALUE", "ANY"),
        ("ANY PROPERTY VALUE", "PROPERTY VALUE"),
        ("INTEGER NOT NULL", "INTEGER NOT NULL"),
        ("VECTOR<FLOAT32 NOT NULL>(1024)", "VECTOR<FLOAT32 NOT NULL>(1024)"),
    ],
)
def test_a_type_is_parsed_and_written_as_neo4j_spells_it(text: str, canonical: str) -> None:
    assert str(parse_type(text)) == canonical


@pytest.mark.parametrize(
    "text",
    [
        INJECTED_TYPE,
        "INTEGER // comment",
        "INTEGER\u037e",  # a Greek question mark, which looks like `;`
        "STRING) RETURN 1",
        "LIST<INTEGER",
        "FOO",
        "",
        "LIST<" * 20 + "INTEGER" + ">" * 20,
        "INTEGER " * 100,
    ],
)
def test_text_that_is_not_a_type_is_refused(text: str) -> None:
    with pytest.raises(CypherTypeError):
        parse_type(text)


@pytest.mark.parametrize("text", ["NODE", "LIST<STRING>", "INTEGER NOT NULL", "MAP", "ANY"])
def test_a_constraint_requires_a_property_type_only(text: str) -> None:
    parse_type(text)  # a type, but not one a property type constraint can require
    with pytest.raises(CypherTypeError):
        constraint_property_type(text)


def test_names_and_strings_in_a_script_are_ascii_without_semicolons() -> None:
    assert script_name("a;b") == "`a\\u003Bb`"
    assert script_name("Ünï 🚀") == "`\\u00DCn\\u00EF \\uD83D\\uDE80`"
    assert script_name("back\\slash`") == "`back\\u005Cslash```"
    assert script_name("new\nline\u202e") == "`new\\u000Aline\\u202E`"
    assert script_string('say "hi"; \\u0041\n') == '"say \\"hi\\"\\u003B \\\\u0041\\u000A"'


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), float("inf"), 2**63, [object()], {"a": {"b": {"c": {"d": {"e": [1]}}}}}],
)
def test_an_option_that_is_not_a_plain_value_is_refused(value: object) -> None:
    with pytest.raises(LeftOut):
        cypher_value(value)


def test_options_are_written_from_values() -> None:
    value = {"b": [1, -2.5, 1e16, True], "a;": 'x"};'}
    assert cypher_value(value) == '{`a\\u003B`: "x\\"}\\u003B", `b`: [1, -2.5, 1e16, true]}'


def _statement_lines(script: str) -> list[str]:
    return [line for line in script.split("\n") if line and not line.startswith("//")]


def test_cypher_export_writes_nothing_of_a_hostile_report_as_cypher() -> None:
    script = render(hostile_report(), "cypher")
    assert script.isascii()
    statements = _statement_lines(script)
    # The legit items and the refused analyzer; each one line, one CREATE, one `;` at its end.
    assert len(statements) == len(LEGIT_INDEXES) + len(LEGIT_CONSTRAINTS) + 1
    for line in statements:
        assert re.fullmatch(r"CREATE (CONSTRAINT|(\w+ )?INDEX) `[^;]*;", line), line
    # The only `;` in the file end statements: a naive split on `;` cuts no statement, and
    # every piece holds comments and at most one CREATE.
    pieces = script.split(";")
    assert len(pieces) == len(statements) + 1
    for piece in pieces:
        code = _statement_lines(piece.strip("\n"))
        assert len(code) <= 1 and all(line.startswith("CREATE ") for line in code), piece
    assert f"\n{DELETE_ALL}" not in script and "\nMATCH" not in script


def test_cypher_export_leaves_out_what_fails_a_check_with_a_comment() -> None:
    script = render(hostile_report(), "cypher")
    reasons = script.split("// Not re-created:\n")[1].splitlines()
    assert len(reasons) == len(HOSTILE_INDEXES) + len(HOSTILE_CONSTRAINTS)
    assert all(r.startswith("// - ") and r.isascii() and ";" not in r for r in reasons)
    text = "\n".join(reasons)
    assert "is not a Cypher property type (unexpected character" in text
    assert "its indexConfig is not a map" in text
    assert "an option is NoneType" in text
    assert "an option is not a finite number" in text
    assert "an option is an integer beyond 64 bits" in text
    assert "this index type cannot be re-created" in text
    assert "is neither NODE nor RELATIONSHIP" in text
    assert "not a constraint type NeoSense knows" in text
    assert "a NODE_KEY constraint is on a NODE" in text
    # The refused analyzer is a value: written as one escaped string literal.
    assert '"standard\\"}]\\u003B MATCH (n) DETACH DELETE n\\u003B //"' in script
