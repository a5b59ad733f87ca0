"""Bolt sockets without Nagle's algorithm, which the async driver leaves on.

The neo4j driver's async sockets are made with `socket(AF_INET)`, whose protocol number is
0. The driver sets TCP_NODELAY only on its sync sockets, expecting asyncio to do it for
async ones (neo4j-python-driver PR #1122), but asyncio's transports set it only on sockets
whose `proto` is IPPROTO_TCP (asyncio.base_events._set_nodelay), so these keep Nagle's
algorithm (checked on driver 6.4.1, Python 3.11). The Bolt handshake then costs a delayed
ACK on every new connection: the driver writes the chosen version (4 bytes) and then its
capabilities (1 byte) as two small writes, Nagle holds the second until the first is
acknowledged, and the server delays that ACK (40 ms on Linux, up to 200 ms on Windows).
Measured on this machine: a new connection took 45 ms where the sync driver took 3-6 ms, and
a sampled 1M-node run, which opens a connection per query slot, spent ~80 ms of its ~0.45 s
waiting on them (benchmarks/connect_latency.py).

`enable_tcp_nodelay()` makes the driver's socket module build TCP sockets with TCP_NODELAY
set (and proto IPPROTO_TCP, so asyncio agrees). It replaces one name in a private driver
module, so it checks that the name is still the plain socket class first and otherwise
leaves the driver as it is (logged): a driver that changes this code keeps working, only
without the shortcut. tests/integration/test_bolt_sockets.py checks the real connections.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

log = logging.getLogger(__name__)

_applied = False


def tcp_socket(
    family: int = socket.AF_INET,
    type: int = socket.SOCK_STREAM,  # socket.socket's own parameter names
    proto: int = 0,
    fileno: int | None = None,
) -> socket.socket:
    """socket.socket(...), but a stream socket is TCP with TCP_NODELAY set."""
    stream = type == socket.SOCK_STREAM and family in (socket.AF_INET, socket.AF_INET6)
    if stream and fileno is None and proto == 0:
        proto = socket.IPPROTO_TCP
    sock = socket.socket(family, type, proto, fileno)
    if stream:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError as exc:  # best effort, as the driver's sync sockets do
            log.debug("TCP_NODELAY not set: %s", exc)
    return sock


def enable_tcp_nodelay() -> bool:
    """Make the driver's new Bolt sockets use TCP_NODELAY; True when they will. Idempotent."""
    global _applied
    if _applied:
        return True
    try:
        from neo4j._async_compat.network import _bolt_socket as module
    except ImportError as exc:
        log.info("driver socket module not found, TCP_NODELAY left to the driver: %s", exc)
        return False
    current: Any = getattr(module, "socket", None)
    if current is not socket.socket:
        log.info("driver socket factory is %r, TCP_NODELAY left to the driver", current)
        return False
    setattr(module, "socket", tcp_socket)  # noqa: B010 - a private module's name
    _applied = True
    return True


__all__ = ["enable_tcp_nodelay", "tcp_socket"]
