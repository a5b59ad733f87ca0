"""The driver's real Bolt connections run without Nagle's algorithm (core/bolt_sockets.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys

import pytest

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.graph_client import GraphClient
from tests.neo4j_support import Neo4jServer

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd"),
]


def nodelay_of_sockets_to(port: int) -> list[int]:
    """TCP_NODELAY of every socket of this process connected to `port` on the server."""
    found: list[int] = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue  # not a socket (or already closed)
        with sock:
            if sock.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            with contextlib.suppress(OSError):
                if sock.getpeername()[1] == port:
                    found.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    return found


async def test_every_connection_of_a_client_has_tcp_nodelay(neo4j_server: Neo4jServer) -> None:
    settings = ConnectionSettings.model_validate(
        {"uri": neo4j_server.uri, "user": neo4j_server.user}
    )
    port = int(neo4j_server.uri.rsplit(":", 1)[1])
    async with GraphClient(settings, neo4j_server.password) as client:
        # Reads at once each take a connection, so the pool opens several.
        await asyncio.gather(*(client.read("ping", "RETURN 1 AS x") for _ in range(5)))
        flags = nodelay_of_sockets_to(port)
        assert len(flags) >= 2, flags  # pooled, so still open
        assert all(flags), f"sockets to the server without TCP_NODELAY: {flags}"
