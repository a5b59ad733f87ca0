"""TLS: a server started by scripts/neo4j-local --tls (self-signed, TLS required)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.graph_client import GraphClient
from neosense_desktop.core.probe import probe_connection
from tests.integration.test_bolt_sockets import nodelay_of_sockets_to
from tests.neo4j_support import (
    TEST_VERSION,
    Neo4jServer,
    instance_home,
    start_own_server,
    stop_own_server,
)

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def tls_server() -> Iterator[tuple[int, Path]]:
    port, uri = start_own_server("NEOSENSE_TLS_TEST_PORT", "--tls")
    try:
        assert uri == f"bolt+ssc://127.0.0.1:{port}"
        yield port, instance_home(port) / "certificates/bolt/public.crt"
    finally:
        stop_own_server(port)


async def _probe(password: str, **kw: object):  # type: ignore[no-untyped-def]
    settings = ConnectionSettings.model_validate({"user": "neo4j", "connection_timeout_s": 5, **kw})
    async with GraphClient(settings, password) as client:
        return await probe_connection(client)


@pytest.mark.parametrize("scheme", ["bolt+ssc", "neo4j+ssc"])
async def test_self_signed_schemes_connect(
    tls_server: tuple[int, Path], neo4j_server: Neo4jServer, scheme: str
) -> None:
    result = await _probe(neo4j_server.password, uri=f"{scheme}://localhost:{tls_server[0]}")
    assert result.version == TEST_VERSION


async def test_tls_connections_have_tcp_nodelay(
    tls_server: tuple[int, Path], neo4j_server: Neo4jServer
) -> None:
    settings = ConnectionSettings.model_validate(
        {"user": "neo4j", "uri": f"bolt+ssc://localhost:{tls_server[0]}"}
    )
    async with GraphClient(settings, neo4j_server.password) as client:
        await probe_connection(client)  # its reads run at once: several connections
        flags = nodelay_of_sockets_to(tls_server[0])
    assert flags, "no connection to the TLS server was open"
    assert all(flags), flags


async def test_custom_ca_trust_connects(
    tls_server: tuple[int, Path], neo4j_server: Neo4jServer
) -> None:
    port, cert = tls_server
    result = await _probe(
        neo4j_server.password,
        uri=f"bolt://localhost:{port}",
        encrypted=True,
        trust="custom",
        ca_cert_paths=[str(cert)],
    )
    assert result.edition == "community"


async def test_verifying_scheme_rejects_self_signed_with_advice(
    tls_server: tuple[int, Path], neo4j_server: Neo4jServer
) -> None:
    with pytest.raises(NeoSenseError) as info:
        await _probe(neo4j_server.password, uri=f"bolt+s://127.0.0.1:{tls_server[0]}")
    assert info.value.code is ErrorCode.TLS_MISMATCH
    assert "does not trust" in info.value.message
    assert any("+ssc" in s for s in info.value.suggestions)


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
async def test_plain_scheme_on_tls_server_says_encryption_required(
    tls_server: tuple[int, Path], neo4j_server: Neo4jServer, scheme: str
) -> None:
    with pytest.raises(NeoSenseError) as info:
        await _probe(neo4j_server.password, uri=f"{scheme}://127.0.0.1:{tls_server[0]}")
    assert info.value.code is ErrorCode.TLS_MISMATCH
    assert any("bolt+s://" in s for s in info.value.suggestions)


async def test_routing_over_tls_runs_an_extraction(
    tls_server: tuple[int, Path], neo4j_server: Neo4jServer
) -> None:
    """neo4j+ssc://: routing table, READ routing and a full run, all over TLS."""
    import neo4j

    from neosense_desktop.core.extraction import ExtractionRun, RunOptions

    port = tls_server[0]
    with neo4j.GraphDatabase.driver(
        f"bolt+ssc://127.0.0.1:{port}", auth=("neo4j", neo4j_server.password)
    ) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        driver.execute_query("CREATE (:Tls {a: 1})-[:OVER {b: 'x'}]->(:Tls {a: 2})")
    settings = ConnectionSettings.model_validate(
        {"uri": f"neo4j+ssc://127.0.0.1:{port}", "user": "neo4j", "connection_timeout_s": 5}
    )
    async with ExtractionRun(
        settings, neo4j_server.password, RunOptions.model_validate({"mode": "exact"})
    ) as run:
        report = await run.run()
    assert report.server.version == TEST_VERSION
    assert all(a.status == "succeeded" for a in report.activities.values()), report.activities
    assert [(x.name, x.count) for x in report.labels] == [("Tls", 2)]
    assert [(x.name, [p.name for p in x.properties]) for x in report.relationship_types] == [
        ("OVER", ["b"])
    ]
