"""A loopback TCP proxy that injects network faults between the app and a real Neo4j.

It forwards bytes unchanged until told otherwise:
- `delay_s`: latency added to every chunk in both directions;
- `cut()`: closes every open connection cleanly (FIN);
- `reset()`: aborts every open connection (RST, via SO_LINGER 0);
- `blackhole = True`: keeps connections open but forwards nothing (a silent network);
- `refuse_new = True`: accepts and immediately resets new connections.
It runs in its own threads so it works the same under pytest-asyncio and qasync loops.
Only ever binds and connects on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from types import TracebackType


class FaultProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        assert target_host in ("127.0.0.1", "localhost", "::1"), "loopback only"
        self.target = (target_host, target_port)
        self.delay_s = 0.0
        self.blackhole = False
        self.refuse_new = False
        self.bytes_forwarded = 0
        self.connections_seen = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    # -- lifecycle ----------------------------------------------------------------
    def start(self) -> FaultProxy:
        t = threading.Thread(target=self._accept_loop, name="fault-proxy-accept", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self._listener.close()
        for t in self._threads:
            t.join(timeout=2)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- faults -------------------------------------------------------------------
    def cut(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def reset(self) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                _abort(s)

    # -- plumbing -----------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections_seen += 1
            if self.refuse_new:
                _abort(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _abort(client)
                continue
            with self._lock:
                self._pairs.append((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                t = threading.Thread(
                    target=self._pump, args=(src, dst), daemon=True, name="fault-proxy-pump"
                )
                t.start()
                self._threads.append(t)

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(0.2)
        while not self._stop.is_set():
            try:
                data = src.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            while self.blackhole and not self._stop.is_set() and src.fileno() != -1:
                time.sleep(0.05)  # hold the bytes: the peer sees a silent network
            if self.delay_s:
                time.sleep(self.delay_s)
            try:
                dst.sendall(data)
            except OSError:
                break
            self.bytes_forwarded += len(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def _abort(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
