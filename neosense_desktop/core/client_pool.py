"""WarmClients: one open GraphClient per connection, lent to the window's runs and probes.

A new AsyncDriver opens each of its connections again: TCP, the Bolt handshake, HELLO and
LOGON, and a TLS handshake on top for neo4j+s:// (Aura), several round trips each, and a
run opens about four at once. Users press F5 again and again on one profile and press Test
connection before Run, so the window keeps the driver between them (-17 % of a sampled run
at 1M nodes on localhost; several times more over TLS and slow networks).

A client is kept per connection settings, exactly as they are used to connect, together
with a keyed digest of the password; so an edited profile or a changed password never
reuses an old driver. It is dropped (its driver closed)
- when a run or probe through it fails with a connect-class error (CONNECT_ERRORS) or
  loses its connection: the next one starts from a fresh driver;
- when the profile it served is edited or deleted (forget());
- after IDLE_LIMIT_S without use;
- on app quit (close_all(), awaited by the window's shutdown).
Connections that a server restart or a network drop killed while the driver was idle are
discarded by the connectivity check every run and probe starts with; the driver's liveness
check (graph_client.LIVENESS_CHECK_AFTER_S) covers those that die one at a time.

The CLI does not use it: one run per process.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING

from .errors import CONNECT_ERRORS, ErrorCode, NeoSenseError

if TYPE_CHECKING:  # the driver loads after the window's first paint (ui/preload.py)
    from .connection import ConnectionSettings
    from .graph_client import GraphClient

log = logging.getLogger(__name__)

# A driver unused this long is closed. Between two runs a user reads the report for seconds
# to minutes; past five minutes, the ~0.1 s a warm driver saves no longer matters next to
# the connections it holds open on a shared server (Aura counts them per instance) and the
# load balancers and firewalls that cut idle TCP connections anyway.
IDLE_LIMIT_S = 300.0

# The default query timeout of a lent client when the borrower names none (Test connection),
# as GraphClient's own default.
DEFAULT_QUERY_TIMEOUT_S = 60.0

# Besides the connect-class errors: a driver whose server went away mid-run is not worth
# keeping; a fresh one costs only the handshakes.
DROPPING_ERRORS = CONNECT_ERRORS | {ErrorCode.CONNECTION_LOST}

MakeClient = Callable[["ConnectionSettings", str], "GraphClient"]


def _make_client(settings: ConnectionSettings, password: str) -> GraphClient:
    from .graph_client import GraphClient

    return GraphClient(settings, password)


@dataclass
class PoolCounts:
    """What the pool did, for the log and the tests: drivers opened, leases served by an
    already open one, and drivers dropped."""

    opened: int = 0
    reused: int = 0
    dropped: int = 0


@dataclass
class _Entry:
    client: GraphClient
    password_digest: bytes
    last_used: float
    leases: int = 0
    dropped: bool = False  # out of the pool; closed when its last lease ends


@dataclass
class Lease:
    """`async with pool.lease(...) as client`: a lent client, handed back on exit."""

    pool: WarmClients
    settings: ConnectionSettings
    password: str
    query_timeout_s: float
    _entry: _Entry | None = field(default=None, init=False)
    _client: GraphClient | None = field(default=None, init=False)

    async def __aenter__(self) -> GraphClient:
        self._entry = await self.pool._borrow(self.settings, self.password)
        self._client = self._entry.client.lend(self.query_timeout_s)
        return self._client

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        entry, client = self._entry, self._client
        self._entry = self._client = None
        if client is not None:
            await client.close()  # a lent client: marks it closed, the driver stays
        if entry is not None:
            await self.pool._hand_back(entry, self.settings, exc)


class WarmClients:
    """Keeps one open GraphClient per connection for the window (see module doc).

    Attributes:
        counts: drivers opened, leases that reused one, drivers dropped.
    """

    def __init__(
        self,
        *,
        idle_limit_s: float = IDLE_LIMIT_S,
        make_client: MakeClient = _make_client,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle_limit_s = idle_limit_s
        self._make_client = make_client
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        # Passwords are compared by a digest keyed with a secret that lives only in this
        # object, so nothing here could be matched against a list of guessed passwords.
        self._digest_key = secrets.token_bytes(32)
        self._expiry: asyncio.TimerHandle | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self.counts = PoolCounts()

    def __len__(self) -> int:
        return len(self._entries)

    def lease(
        self,
        settings: ConnectionSettings,
        password: str,
        query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S,
    ) -> Lease:
        """Lend the connection's client, for `async with`; also an ExtractionRun
        client_lease. query_timeout_s: the lent client's default query timeout."""
        return Lease(self, settings, password, query_timeout_s)

    async def forget(self, settings: ConnectionSettings) -> None:
        """Drop the client of these settings, whatever the database (a profile's retried
        activity may have used another): the profile was edited or deleted."""
        target = _key(settings.model_copy(update={"database": ""}))
        for key, entry in list(self._entries.items()):
            if _key(entry.client.settings.model_copy(update={"database": ""})) == target:
                await self._drop(key, "its connection was edited or deleted")

    async def close_all(self) -> None:
        """Close every driver (app quit). The pool stays usable and starts empty."""
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        for key in list(self._entries):
            await self._drop(key, "the app is closing", wait=True)
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    # -- lending -----------------------------------------------------------------------
    async def _borrow(self, settings: ConnectionSettings, password: str) -> _Entry:
        await self._expire()
        key = _key(settings)
        digest = hmac.digest(self._digest_key, password.encode(), hashlib.sha256)
        entry = self._entries.get(key)
        if entry is not None and not hmac.compare_digest(entry.password_digest, digest):
            await self._drop(key, "the password changed")
            entry = None
        if entry is None:
            entry = _Entry(self._make_client(settings, password), digest, self._clock())
            self._entries[key] = entry
            self.counts.opened += 1
            log.info("connection pool: new driver for %s", settings.safe_uri)
        else:
            self.counts.reused += 1
            log.info("connection pool: reusing the open driver for %s", settings.safe_uri)
        entry.leases += 1
        entry.last_used = self._clock()
        return entry

    async def _hand_back(
        self, entry: _Entry, settings: ConnectionSettings, error: BaseException | None
    ) -> None:
        entry.leases -= 1
        entry.last_used = self._clock()
        key = _key(settings)
        failed = isinstance(error, NeoSenseError) and error.code in DROPPING_ERRORS
        if failed and self._entries.get(key) is entry:
            assert isinstance(error, NeoSenseError)
            await self._drop(key, f"a run or probe through it failed ({error.code.value})")
        if entry.dropped and entry.leases == 0:
            await entry.client.close()
        self._arm_expiry()

    async def _drop(self, key: str, why: str, *, wait: bool = False) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        entry.dropped = True
        self.counts.dropped += 1
        log.info(
            "connection pool: closing the driver for %s: %s", entry.client.settings.safe_uri, why
        )
        if entry.leases == 0 or wait:
            # At quit (wait) the window's tasks are cancelled already, so no lease is left.
            await entry.client.close()
        # else: a run or probe is using it; _hand_back closes it when the last one ends.

    # -- idle expiry ---------------------------------------------------------------------
    async def _expire(self) -> None:
        now = self._clock()
        for key, entry in list(self._entries.items()):
            if entry.leases == 0 and now - entry.last_used >= self.idle_limit_s:
                await self._drop(key, f"unused for {now - entry.last_used:.0f} s")

    def _arm_expiry(self) -> None:
        """Schedule the next idle check, so that an idle driver closes even if the user
        never runs again (without a call the pool would only expire on the next lease)."""
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        idle = [e.last_used for e in self._entries.values() if e.leases == 0]
        if not idle:
            return
        delay = max(0.0, min(idle) + self.idle_limit_s - self._clock())
        self._expiry = asyncio.get_running_loop().call_later(delay, self._expire_soon)

    def _expire_soon(self) -> None:
        self._expiry = None
        task = asyncio.get_running_loop().create_task(self._expire_and_rearm())
        # Held until done: the loop keeps only weak references to tasks.
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _expire_and_rearm(self) -> None:
        try:
            await self._expire()
        except Exception:  # closing a driver must never surface in the window as a crash
            log.warning("connection pool: closing an idle driver failed", exc_info=True)
        self._arm_expiry()


def _key(settings: ConnectionSettings) -> str:
    """Every setting used to connect, so that an edited profile never meets an old driver."""
    return settings.model_dump_json()


__all__ = ["IDLE_LIMIT_S", "PoolCounts", "WarmClients"]
