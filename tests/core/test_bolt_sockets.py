"""The TCP_NODELAY socket factory and how it is installed in the driver (bolt_sockets.py)."""

from __future__ import annotations

import socket

import pytest
from neo4j._async_compat.network import _bolt_socket as driver_sockets

from neosense_desktop.core import bolt_sockets
from neosense_desktop.core.bolt_sockets import enable_tcp_nodelay, tcp_socket


def test_a_tcp_socket_is_tcp_with_nodelay() -> None:
    with tcp_socket(socket.AF_INET) as sock:
        assert sock.proto == socket.IPPROTO_TCP  # so asyncio's transport agrees
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_a_datagram_socket_is_left_as_asked() -> None:
    with tcp_socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        assert sock.type == socket.SOCK_DGRAM
        assert sock.proto == 0


def test_the_driver_gets_the_factory_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bolt_sockets, "_applied", False)
    monkeypatch.setattr(driver_sockets, "socket", socket.socket)
    assert enable_tcp_nodelay() is True
    assert driver_sockets.socket is tcp_socket
    assert enable_tcp_nodelay() is True  # idempotent
    assert driver_sockets.socket is tcp_socket


def test_a_driver_whose_code_changed_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def their_own_factory(*args: object) -> socket.socket:
        raise AssertionError("never called here")

    monkeypatch.setattr(bolt_sockets, "_applied", False)
    monkeypatch.setattr(driver_sockets, "socket", their_own_factory)
    assert enable_tcp_nodelay() is False
    assert driver_sockets.socket is their_own_factory
