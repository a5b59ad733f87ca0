"""A Bolt proxy in front of a real Neo4j that lists the databases a lying server would.

A real Neo4j forbids `/` in a database name; an impersonated or patched server does not.
This proxy makes the real driver see such a server: every row SHOW DATABASES returns for
`neo4j` is sent as one row per fake name (`../../x`, `/abs/x`, ...), and every fake name
the client then sends (the `db` of RUN and BEGIN) goes to the server as `neo4j`. Everything
else passes unchanged, so the run reads the real database under the fake names.

It speaks just enough Bolt for that: it removes the manifest handshake from the client's
version proposals (so the server answers with one version, in 4 bytes), then reads each
direction as Bolt messages (2-byte-length chunks ended by an empty chunk) and rewrites
PackStream strings inside a message as whole packed values. Loopback only; its own threads,
so it works under any event loop.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections import deque
from types import TracebackType

REAL_NAME = "neo4j"
_MAGIC = b"\x60\x60\xb0\x17"
_MANIFEST = b"\x00\x00\x01\xff"
_RUN, _PULL, _RECORD = 0x10, 0x3F, 0x71
_SUMMARIES = frozenset({0x70, 0x7E, 0x7F})  # SUCCESS, IGNORED, FAILURE
_NO_REPLY = frozenset({0x02})  # GOODBYE


def packed_string(text: str) -> bytes:
    """A PackStream string: marker (with size), then UTF-8 bytes."""
    data = text.encode("utf-8")
    n = len(data)
    if n < 16:
        return bytes([0x80 + n]) + data
    if n < 256:
        return b"\xd0" + bytes([n]) + data
    if n < 65536:
        return b"\xd1" + struct.pack(">H", n) + data
    return b"\xd2" + struct.pack(">I", n) + data


def _chunked(message: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(message), 0xFFFF):
        piece = message[start : start + 0xFFFF]
        out += struct.pack(">H", len(piece)) + piece
    return bytes(out) + b"\x00\x00"


def _signature(message: bytes) -> int:
    # A message is one PackStream struct: marker 0xB0 + field count, then its tag.
    return message[1] if len(message) > 1 and 0xB0 <= message[0] <= 0xBF else -1


class _Reader:
    """Bolt messages from a socket, one at a time (None once the peer has gone)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()

    def exactly(self, n: int) -> bytes | None:
        while len(self.buffer) < n:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return None
            if not data:
                return None
            self.buffer += data
        taken = bytes(self.buffer[:n])
        del self.buffer[:n]
        return taken

    def message(self) -> bytes | None:
        body = bytearray()
        while True:
            head = self.exactly(2)
            if head is None:
                return None
            size = struct.unpack(">H", head)[0]
            if size == 0:
                return bytes(body)  # an empty body is a keep-alive: passed on as is
            piece = self.exactly(size)
            if piece is None:
                return None
            body += piece


class BoltRenameProxy:
    """Attributes:
    fake_names: what SHOW DATABASES lists instead of `neo4j`, in order.
    listings: SHOW DATABASES results rewritten so far (a test can wait on it).
    """

    def __init__(self, target_port: int, fake_names: list[str]) -> None:
        self.target = ("127.0.0.1", target_port)
        self.fake_names = list(fake_names)
        self.listings = 0
        self._real = packed_string(REAL_NAME)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def __enter__(self) -> BoltRenameProxy:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
        for t in self._threads:
            t.join(timeout=2)

    def _spawn(self, target: object, *args: object) -> None:
        t = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        t.start()
        self._threads.append(t)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            for s in (client, server):
                s.settimeout(None)
            with self._lock:
                self._sockets += [client, server]
            self._spawn(self._serve, client, server)

    def _serve(self, client: socket.socket, server: socket.socket) -> None:
        from_client, from_server = _Reader(client), _Reader(server)
        hello = from_client.exactly(20)
        if hello is None or hello[:4] != _MAGIC:
            client.close()
            return
        proposals = [hello[i : i + 4] for i in range(4, 20, 4)]
        # The manifest handshake answers with a variable-length list; one plain version
        # (the driver's next proposal, Bolt 5.x) keeps the reply 4 bytes long.
        server.sendall(_MAGIC + b"".join(b"\x00" * 4 if p == _MANIFEST else p for p in proposals))
        agreed = from_server.exactly(4)
        if agreed is None:
            client.close()
            return
        client.sendall(agreed)
        # Each request the client sends is answered by one summary, in order; the RECORDs
        # before a PULL's summary are that PULL's rows.
        pending: deque[bool] = deque()  # per request: is it the PULL of SHOW DATABASES?
        pending_lock = threading.Lock()
        self._spawn(self._client_to_server, from_client, server, pending, pending_lock)
        self._server_to_client(from_server, client, pending, pending_lock)

    def _client_to_server(
        self,
        reader: _Reader,
        server: socket.socket,
        pending: deque[bool],
        lock: threading.Lock,
    ) -> None:
        listing = False
        while (message := reader.message()) is not None:
            tag = _signature(message)
            if tag == _RUN:
                listing = b"SHOW DATABASES" in message
            if message and tag not in _NO_REPLY:
                with lock:
                    pending.append(tag == _PULL and listing)
            for fake in self.fake_names:
                message = message.replace(packed_string(fake), self._real)
            try:
                server.sendall(_chunked(message) if message else b"\x00\x00")
            except OSError:
                break
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_WR)

    def _server_to_client(
        self,
        reader: _Reader,
        client: socket.socket,
        pending: deque[bool],
        lock: threading.Lock,
    ) -> None:
        while (message := reader.message()) is not None:
            tag = _signature(message)
            with lock:
                listing = bool(pending) and pending[0]
                if tag in _SUMMARIES and pending:
                    pending.popleft()
            out = [message]
            if tag == _RECORD and listing and self._real in message:
                out = [message.replace(self._real, packed_string(f), 1) for f in self.fake_names]
            if tag in _SUMMARIES and listing:
                self.listings += 1
            try:
                client.sendall(b"".join(_chunked(m) if m else b"\x00\x00" for m in out))
            except OSError:
                break
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_WR)
