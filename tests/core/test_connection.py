from __future__ import annotations

import pytest
from pydantic import ValidationError

from neosense_desktop.core.connection import ConnectionSettings, redact_uri


@pytest.mark.parametrize(
    "uri",
    [
        "neo4j://localhost",
        "neo4j+s://db.example.com:7687",
        "neo4j+ssc://h:1",
        "bolt://127.0.0.1:7687",
        "bolt+s://[::1]:7687",
        "BOLT+SSC://host:9999",
    ],
)
def test_accepts_every_supported_scheme(uri: str) -> None:
    s = ConnectionSettings(uri=uri, user="neo4j")
    assert s.uri.split("://")[0] == uri.split("://")[0].lower()


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        ("http://localhost:7474", "unsupported scheme"),
        ("localhost:7687", "needs a scheme"),
        ("bolt://", "no host"),
        ("bolt://neo4j:secret@host:7687", "User field"),
        ("bolt://host:99999", "malformed"),
        ("bolt://host:7687/neo4j", "path"),
    ],
)
def test_rejects_bad_uris_naming_the_field(uri: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        ConnectionSettings(uri=uri, user="neo4j")
    err = info.value.errors()[0]
    assert err["loc"] == ("uri",)
    assert words in err["msg"]


def test_rejects_empty_user_and_bad_timeout() -> None:
    with pytest.raises(ValidationError) as info:
        ConnectionSettings(uri="bolt://h", user="  ", connection_timeout_s=-1)
    assert {e["loc"][0] for e in info.value.errors()} == {"user", "connection_timeout_s"}


def test_tls_options_only_with_plain_schemes() -> None:
    with pytest.raises(ValidationError, match="already sets TLS"):
        ConnectionSettings(uri="bolt+s://h", user="u", encrypted=True)
    s = ConnectionSettings(uri="bolt://h", user="u", encrypted=True, trust="all")
    assert s.encrypted


def test_address_and_redaction_never_show_credentials() -> None:
    assert ConnectionSettings(uri="neo4j://db.local", user="u").address == "db.local:7687"
    assert redact_uri("bolt://neo4j:hunter22@host:7687") == "bolt://host:7687"
    assert "hunter22" not in redact_uri("bolt://neo4j:hunter22@host:7687/x?y=hunter22")


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ("Neo4j/5.26.19", False),
        ("Neo4j/2025.05.0", False),
        ("Neo4j/2025.06.0", True),
        ("Neo4j/2026.08.1", True),
        ("Neo4j/5.27-aura", False),
        ("Neo4j/2026.10", True),
        ("Neo4j/dev", None),
        ("Memgraph/2.19", None),
        ("", None),
        (None, None),
    ],
)
def test_the_agent_string_says_whether_databases_have_a_default_language(
    agent: str | None, expected: bool | None
) -> None:
    from neosense_desktop.core.probe import has_default_language

    assert has_default_language(agent) is expected
