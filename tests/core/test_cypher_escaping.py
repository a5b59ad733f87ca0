"""Escaping unit tests; the end-to-end proof against a real server is in integration/."""

from __future__ import annotations

import pytest

from neosense_desktop.core.cypher import escape_name, prefix_parameters


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("Person", "`Person`"),
        ("has space", "`has space`"),
        ("a`b", "`a``b`"),
        ("dot.ted", "`dot.ted`"),
        ("Ünïcødé 名前", "`Ünïcødé 名前`"),
        ("back\\slash", "`back\\u005Cslash`"),
        ("sneaky\\u0060", "`sneaky\\u005Cu0060`"),
        # A tool that splits a pasted script on every `;` cannot cut the statement here.
        ("a;MATCH (n) DETACH DELETE n;//", "`a\\u003BMATCH (n) DETACH DELETE n\\u003B//`"),
        ("", "``"),
    ],
)
def test_escape_name(name: str, quoted: str) -> None:
    assert escape_name(name) == quoted


def test_escaped_name_has_no_raw_backslash_or_lone_backtick() -> None:
    out = escape_name("x`\\u0060`` y")[1:-1]
    assert "\\u0060" not in out.replace("\\u005C", "")
    assert out.replace("``", "").count("`") == 0


def test_nul_is_refused() -> None:
    with pytest.raises(ValueError):
        escape_name("a\x00b")


def test_prefix_parameters_renames_only_parameters_outside_names_and_strings() -> None:
    label = escape_name("$limit `$limit` 'x' \\ \"$limit\"")
    cypher = (
        f"MATCH (n:{label}) WHERE n.a = '$limit' AND n.b = \"it's $limit\" "
        "AND n.c = 'a\\'$limit' RETURN n LIMIT $limit + $limits + $other"
    )
    renamed = prefix_parameters(cypher, ["limit", "other"], "b1_")
    assert renamed == (
        f"MATCH (n:{label}) WHERE n.a = '$limit' AND n.b = \"it's $limit\" "
        "AND n.c = 'a\\'$limit' RETURN n LIMIT $b1_limit + $limits + $b1_other"
    )
