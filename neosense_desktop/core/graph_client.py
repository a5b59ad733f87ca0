"""The only door to Neo4j: one lazily created AsyncDriver, read-only sessions, typed errors.

Every query goes through `GraphClient.read`, which
- runs in READ access mode (the server itself then refuses any write),
- carries a server-side transaction timeout plus a client-side guard for dead networks,
- turns every driver exception into a NeoSenseError with context and suggestions.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import neo4j
from neo4j import exceptions as nx

from .. import __version__
from .bolt_sockets import enable_tcp_nodelay
from .connection import ConnectionSettings
from .errors import ErrorCode, NeoSenseError

log = logging.getLogger(__name__)

# Seconds added to the server-side timeout before the client gives up on its own; covers a
# server or network that stops answering without closing the socket.
CLIENT_GRACE_S = 5.0

# A pooled connection idle longer than this is checked (one RESET round trip) before it is
# used again. WarmClients keeps drivers open between runs, and a connection can die while
# idle. After a server restart or a network drop all of them are dead, and the
# verify_connectivity that starts every run and probe already finds them (the driver always
# checks the connection it verifies with, discarding dead ones until one answers). This check
# covers connections that die one at a time (a firewall, NAT or load balancer cutting those
# idle longest) which that verify never reached. Within a run a connection goes back to the
# pool and out again within milliseconds, so a run pays no checks; between two runs (the user
# reads the report, then presses F5 again) every connection has been idle for seconds and is
# checked once. A check costs one round trip; a new connection costs TCP, TLS and
# HELLO/LOGON, three to five. At 0 every one of a run's ~60 queries would pay a round trip.
LIVENESS_CHECK_AFTER_S = 2.0

Row = dict[str, Any]
# A read by query name, Cypher and parameters, as GraphClient.read or a run's read for one
# activity takes them: what the count-store, id-space and sizing reads are given.
ReadFn = Callable[[str, str, Mapping[str, Any] | None], Awaitable[list[Row]]]


@dataclass(frozen=True)
class ServerNotification:
    """One notification (a GQL status other than success) the server sent for a query."""

    query_name: str
    cypher: str
    gql_status: str
    classification: str  # DEPRECATION, PERFORMANCE, GENERIC, ...
    severity: str
    description: str

    @property
    def is_deprecation(self) -> bool:
        return self.classification == "DEPRECATION" or self.gql_status.startswith("01N0")


NotificationSink = Callable[[ServerNotification], None]


class GraphClient:
    """Read-only access to one Neo4j server, shared by all activities of a run.

    Use as `async with GraphClient(settings, password) as client: rows = await client.read(...)`.
    The driver is made on first use, on the running loop, and closed by `close()`.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        password: str,
        *,
        query_timeout_s: float = 60.0,
        database: str | None = None,
        notification_sink: NotificationSink | None = None,
    ) -> None:
        """notification_sink: when given, the server sends every notification (normally
        off) and each one is handed to it; the tests use it to prove that no query the
        engine sends is deprecated."""
        self.settings = settings
        self._notification_sink = notification_sink
        self._password = password
        self.query_timeout_s = query_timeout_s
        self.database = database if database is not None else settings.database
        self._driver: neo4j.AsyncDriver | None = None
        # What the server called itself when verify() connected ("Neo4j/5.26.19"): the
        # version before any query has asked for it.
        self.server_agent: str | None = None
        self._closed = False
        # Set on clients made by lend(): they use the lender's driver and never close it.
        self._lender: GraphClient | None = None

    def lend(self, query_timeout_s: float) -> GraphClient:
        """A client on this client's driver, with its own default query timeout; closing it
        leaves the driver open. WarmClients lends these, so that a run keeps its own
        timeout while its connections come from a driver that outlives it."""
        borrowed = GraphClient(
            self.settings,
            self._password,
            query_timeout_s=query_timeout_s,
            database=self.database,
            notification_sink=self._notification_sink,
        )
        borrowed._lender = self
        return borrowed

    # -- lifecycle -------------------------------------------------------------------
    async def __aenter__(self) -> GraphClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def driver_open(self) -> bool:
        if self._lender is not None:
            return not self._closed and self._lender.driver_open
        return self._driver is not None

    @property
    def driver(self) -> neo4j.AsyncDriver:
        """The AsyncDriver behind this client (the lender's for a lent one), made on first
        use."""
        return self._get_driver()

    def _make_driver(self) -> neo4j.AsyncDriver:
        s = self.settings
        kwargs: dict[str, Any] = {
            "auth": (s.user, self._password),
            "connection_timeout": s.connection_timeout_s,
            "connection_acquisition_timeout": s.connection_timeout_s + self.query_timeout_s,
            # A run keeps up to RunOptions.max_concurrent_queries (at most 64) queries in
            # flight, each in its own session; a few more for the probe and a cancel's
            # TERMINATE. The pool opens connections only as they are needed.
            "max_connection_pool_size": 68,
            "user_agent": f"neosense-desktop/{__version__}",
            "notifications_min_severity": "INFORMATION" if self._notification_sink else "OFF",
            # The sink gets them; the driver must not log each one as a warning too.
            "warn_notification_severity": "OFF",
            # A failed query is reported, never silently retried for half a minute.
            "max_transaction_retry_time": 0.0,
            "liveness_check_timeout": LIVENESS_CHECK_AFTER_S,
        }
        if s.encrypted:
            kwargs["encrypted"] = True
            if s.trust == "all":
                kwargs["trusted_certificates"] = neo4j.TrustAll()
            elif s.trust == "custom":
                kwargs["trusted_certificates"] = neo4j.TrustCustomCAs(*s.ca_cert_paths)
            else:
                kwargs["trusted_certificates"] = neo4j.TrustSystemCAs()
        enable_tcp_nodelay()  # else every new connection waits on a delayed ACK
        try:
            return neo4j.AsyncGraphDatabase.driver(s.uri, **kwargs)
        except (nx.ConfigurationError, ValueError) as exc:
            raise NeoSenseError(
                ErrorCode.BAD_URI,
                f"The URI {s.safe_uri} is not usable: {exc}",
                context=self.context(),
            ) from exc

    def _get_driver(self) -> neo4j.AsyncDriver:
        if self._closed:
            raise NeoSenseError(ErrorCode.INTERNAL, "The connection was already closed.")
        if self._lender is not None:
            return self._lender._get_driver()
        if self._driver is None:
            self._driver = self._make_driver()
        return self._driver

    async def close(self) -> None:
        self._closed = True
        if self._lender is not None:
            return  # the driver is the lender's, open for the next run
        driver, self._driver = self._driver, None
        if driver is not None:
            try:
                await driver.close()
            except Exception:  # closing must never mask the error that ended the run
                log.warning("closing the Neo4j driver failed", exc_info=True)

    def context(self, **extra: Any) -> dict[str, Any]:
        ctx: dict[str, Any] = {
            "uri": self.settings.safe_uri,
            "database": self.database or "(default)",
        }
        ctx.update(extra)
        return ctx

    # -- queries ---------------------------------------------------------------------
    async def read(
        self,
        query_name: str,
        cypher: str,
        parameters: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        database: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> list[Row]:
        """Run one read-only query and return its rows as dicts.

        query_name names the query in logs and errors ("labels", "schema.sample", ...).
        metadata is attached to the transaction (SHOW TRANSACTIONS shows it as metaData).
        """
        rows: list[Row] = []
        await self.read_each(
            query_name,
            cypher,
            rows.append,
            parameters,
            timeout_s=timeout_s,
            database=database,
            metadata=metadata,
        )
        return rows

    async def read_each(
        self,
        query_name: str,
        cypher: str,
        on_row: Callable[[Row], None],
        parameters: Mapping[str, Any] | None = None,
        *,
        timeout_s: float | None = None,
        database: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        fetch_size: int = 10_000,
    ) -> int:
        """Run one read-only query, handing each row to on_row as it arrives; returns the
        row count. Only fetch_size records are held at a time, so a query that returns one
        row per node streams instead of collecting them all."""
        timeout = timeout_s if timeout_s is not None else self.query_timeout_s
        db = database if database is not None else self.database
        t0 = time.monotonic()
        count = 0
        summary: neo4j.ResultSummary | None = None
        try:
            async with asyncio.timeout(timeout + CLIENT_GRACE_S):
                async with self._get_driver().session(
                    database=db or None,
                    default_access_mode=neo4j.READ_ACCESS,
                    fetch_size=fetch_size,
                ) as session:
                    result = await session.run(
                        neo4j.Query(
                            cypher, timeout=timeout, metadata=dict(metadata) if metadata else None
                        ),
                        dict(parameters or {}),
                    )
                    async for record in result:
                        # Not record.data(): it walks every value recursively to turn nodes
                        # into dicts (~0.1 s of client CPU per sampled run, on the cores the
                        # server needs too), and no query here returns an entity, only
                        # element ids, labels and plain values.
                        on_row(dict(record.items()))  # type: ignore[no-untyped-call]
                        count += 1
                    if self._notification_sink is not None or log.isEnabledFor(logging.DEBUG):
                        # The summary is already here once the rows are: no round trip.
                        summary = await result.consume()
                    if self._notification_sink is not None and summary is not None:
                        self._hand_on_notifications(query_name, cypher, summary)
        except NeoSenseError as exc:
            raise exc.with_context(**self.context(query=query_name)) from None
        except TimeoutError as exc:
            raise NeoSenseError(
                ErrorCode.TIMEOUT,
                f"The query '{query_name}' got no answer within {timeout + CLIENT_GRACE_S:g} s.",
                context=self.context(query=query_name, elapsed_s=round(time.monotonic() - t0, 3)),
            ) from exc
        except Exception as exc:  # every driver failure becomes a typed, explained error
            raise translate_error(
                exc,
                self.context(query=query_name, elapsed_s=round(time.monotonic() - t0, 3)),
                timeout_s=timeout,
            ) from exc
        if summary is not None:
            # Opt-in timing log (DEBUG): the server's own split of the query's time, planning
            # included in the first figure (issue 28; benchmarks/bench.py reads these lines).
            log.debug(
                "query %s: %d rows in %.3f s; server %s ms to the first row, %s ms to the "
                "last; %d chars, %d branches",
                query_name,
                count,
                time.monotonic() - t0,
                summary.result_available_after,
                summary.result_consumed_after,
                len(cypher),
                cypher.count(" UNION ALL ") + 1,
            )
        return count

    def _hand_on_notifications(
        self, query_name: str, cypher: str, summary: neo4j.ResultSummary
    ) -> None:
        assert self._notification_sink is not None
        for status in summary.gql_status_objects:
            if not status.is_notification:
                continue
            self._notification_sink(
                ServerNotification(
                    query_name=query_name,
                    cypher=cypher,
                    gql_status=status.gql_status,
                    classification=str(status.raw_classification or ""),
                    severity=str(status.raw_severity or ""),
                    description=status.status_description,
                )
            )

    async def verify(self) -> None:
        """Check connectivity and authentication without running a query; note the
        server's agent string."""
        t0 = time.monotonic()
        try:
            async with asyncio.timeout(self.settings.connection_timeout_s + CLIENT_GRACE_S):
                info = await self._get_driver().get_server_info()
                self.server_agent = info.agent
        except NeoSenseError:
            raise
        except TimeoutError as exc:
            raise self._connect_timeout() from exc
        except Exception as exc:
            # The driver reports a silent network as "closed with incomplete handshake",
            # the same words as a TLS-only server refusing plain Bolt; only the time it
            # took tells them apart.
            if time.monotonic() - t0 >= 0.8 * self.settings.connection_timeout_s:
                raise self._connect_timeout() from exc
            err = translate_error(exc, self.context())
            if err.code is ErrorCode.UNREACHABLE:
                err = await self._diagnose_unreachable(err)
            raise err from exc

    def _connect_timeout(self) -> NeoSenseError:
        return NeoSenseError(
            ErrorCode.TIMEOUT,
            f"The server at {self.settings.address} did not answer within "
            f"{self.settings.connection_timeout_s:g} s.",
            suggestions=[
                "Is the server overloaded or the network slow? Raise the connection "
                "timeout in the profile.",
                *NeoSenseError(ErrorCode.UNREACHABLE, "").suggestions,
            ],
            context=self.context(),
        )

    async def _diagnose_unreachable(self, err: NeoSenseError) -> NeoSenseError:
        """Tell "nothing listens there" from "something listens but TLS does not match".

        The routing driver reports both as "Unable to retrieve routing information", which
        would send the user to check a server that is in fact running.
        """
        from urllib.parse import urlsplit

        parts = urlsplit(self.settings.uri)
        host, port = parts.hostname or "localhost", parts.port or 7687
        secure = "+s" in parts.scheme or self.settings.encrypted
        timeout = min(self.settings.connection_timeout_s, 5.0)
        try:
            async with asyncio.timeout(timeout):
                _, writer = await asyncio.open_connection(host, port)
            writer.close()
        except (OSError, TimeoutError):
            return err  # really unreachable
        if not secure:
            return NeoSenseError(
                ErrorCode.TLS_MISMATCH,
                f"Something listens at {self.settings.address} but refused a plain Bolt "
                "connection; the server may require encryption.",
                suggestions=[
                    "Use bolt+s:// or neo4j+s:// (or +ssc for a self-signed certificate).",
                    "Check that the port is Neo4j's Bolt port.",
                ],
                context=err.context,
            )
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        try:
            async with asyncio.timeout(timeout):
                _, writer = await asyncio.open_connection(host, port, ssl=ctx)
            writer.close()
        except (OSError, TimeoutError, ssl.SSLError):
            return NeoSenseError(
                ErrorCode.TLS_MISMATCH,
                f"The server at {self.settings.address} answers but does not speak TLS, and "
                f"the scheme {parts.scheme}:// asks for it.",
                suggestions=[
                    "Use bolt:// or neo4j:// for a server without TLS.",
                    "Or enable TLS for Bolt on the server (server.bolt.tls_level=REQUIRED).",
                ],
                context=err.context,
            )
        return NeoSenseError(
            ErrorCode.TLS_MISMATCH,
            f"The TLS connection to {self.settings.address} was set up, but the certificate "
            "was not accepted or Bolt failed over it.",
            suggestions=[
                "For a self-signed certificate use bolt+ssc:// or neo4j+ssc://.",
                "Check that the certificate matches the host name.",
            ],
            context=err.context,
        )


_TLS_HINTS = (
    "ssl",
    "tls",
    "certificate",
    "handshake",
    "wrong version number",
    "encrypt",
    "unexpected eof",
)


@dataclass(frozen=True)
class _Fault:
    """What the translation rules read from one driver or network exception."""

    exc: BaseException
    text: str
    low: str  # text in lower case, for the hints the driver puts in its messages
    code: str  # the server's status code (Neo.ClientError...), "" for a client-side error
    uri: Any
    context: dict[str, Any]
    timeout_s: float | None

    @property
    def query(self) -> Any:
        return self.context.get("query", "?")

    @property
    def connecting(self) -> bool:
        """No query has run yet: the failure is in setting up the connection."""
        return not self.context.get("query")

    def error(
        self, code: ErrorCode, message: str, suggestions: list[str] | None = None
    ) -> NeoSenseError:
        return NeoSenseError(code, message, suggestions=suggestions, context=self.context)


_Rule = Callable[[_Fault], NeoSenseError | None]


def _auth_refused(f: _Fault) -> NeoSenseError | None:
    if isinstance(f.exc, nx.AuthError) or "Security.Unauthorized" in f.code:
        return f.error(
            ErrorCode.AUTH_FAILED, f"The server at {f.uri} refused the user name or password."
        )
    return None


def _auth_rate_limited(f: _Fault) -> NeoSenseError | None:
    if "AuthenticationRateLimit" not in f.code:
        return None
    return f.error(
        ErrorCode.AUTH_FAILED,
        "Too many failed logins: the server is refusing this user for a while.",
        ["Wait a few seconds, then check the user name and password."],
    )


def _database_missing(f: _Fault) -> NeoSenseError | None:
    if "Database.DatabaseNotFound" not in f.code and "database does not exist" not in f.low:
        return None
    return f.error(
        ErrorCode.DATABASE_MISSING,
        f"The database '{f.context.get('database')}' does not exist on "
        f"{f.uri}, or this user cannot see it.",
    )


def _server_timeout(f: _Fault) -> NeoSenseError | None:
    if "TransactionTimedOut" not in f.code and not (
        "Transaction.Terminated" in f.code and "timeout" in f.low
    ):
        return None
    limit = f" of {f.timeout_s:g} s" if f.timeout_s else ""
    return f.error(
        ErrorCode.TIMEOUT,
        f"The query '{f.query}' ran past its timeout{limit} and the server stopped it.",
    )


def _permission_denied(f: _Fault) -> NeoSenseError | None:
    if "Security.Forbidden" not in f.code and "Security.AuthorizationExpired" not in f.code:
        return None
    return f.error(
        ErrorCode.PERMISSION_DENIED,
        f"This user lacks a privilege for '{f.query}': {f.text}",
        [
            _privilege_hint(str(f.context.get("query", ""))),
            "Or run NeoSense as a user that has it.",
        ],
    )


def _untrusted_certificate(f: _Fault) -> NeoSenseError | None:
    if not (
        any(isinstance(e, ssl.SSLCertVerificationError) for e in _causes(f.exc))
        or "certverification" in f.low
        or "certificate verify failed" in f.low
    ):
        return None
    return f.error(
        ErrorCode.TLS_MISMATCH,
        f"The server at {f.uri} uses a certificate that this computer does not trust "
        "(self-signed, expired, or issued for another host name).",
        [
            "For a self-signed certificate, use bolt+ssc:// or neo4j+ssc://.",
            "Or trust its CA: a plain bolt:// URI with encryption on and the CA file "
            "under custom trust.",
        ],
    )


def _encryption_required(f: _Fault) -> NeoSenseError | None:
    # Only while connecting: once queries have run over this scheme, a broken handshake
    # on a new connection means the network or server went away, not a TLS mismatch.
    scheme = str(f.uri).split("://", 1)[0]
    if "handshake" not in f.low or scheme not in ("bolt", "neo4j") or not f.connecting:
        return None
    return f.error(
        ErrorCode.TLS_MISMATCH,
        f"The server at {f.uri} requires an encrypted connection.",
        ["Use bolt+s:// or neo4j+s:// (or +ssc for a self-signed certificate)."],
    )


def _secure_connection_failed(f: _Fault) -> NeoSenseError | None:
    tls_hint = (
        isinstance(f.exc, (nx.ServiceUnavailable, nx.SessionExpired, OSError))
        and any(h in f.low for h in _TLS_HINTS)
        and f.connecting  # mid-run, the driver's TLS hint is boilerplate
    )
    if not isinstance(f.exc, ssl.SSLError) and not tls_hint:
        return None
    return f.error(ErrorCode.TLS_MISMATCH, f"The secure connection to {f.uri} failed: {f.text}")


def _bad_uri(f: _Fault) -> NeoSenseError | None:
    if isinstance(f.exc, (nx.ConfigurationError, ValueError)) and "uri" in f.low:
        return f.error(ErrorCode.BAD_URI, f"The URI {f.uri} is not usable: {f.text}")
    return None


def _connection_failed(f: _Fault) -> NeoSenseError | None:
    if not isinstance(f.exc, nx.ServiceUnavailable | nx.SessionExpired | ConnectionError):
        return None
    if f.connecting:
        return f.error(ErrorCode.UNREACHABLE, f"Cannot reach a Neo4j server at {f.uri}: {f.text}")
    return f.error(
        ErrorCode.CONNECTION_LOST,
        f"The connection to {f.uri} was lost during '{f.query}': {f.text}",
    )


def _query_failed(f: _Fault) -> NeoSenseError | None:
    if not isinstance(f.exc, nx.Neo4jError):
        return None
    return f.error(
        ErrorCode.QUERY_FAILED,
        f"The query '{f.query}' failed: {f.exc.code}: {f.exc.message}",
    )


def _driver_failed(f: _Fault) -> NeoSenseError | None:
    if isinstance(f.exc, nx.DriverError):
        return f.error(ErrorCode.CONNECTION_LOST, f"The driver failed: {f.text}")
    return None


# In order: the first rule that recognises the exception gives the error. The server's
# status codes come first (they are exact), then TLS (whose failures also look like
# unreachable servers), then the exception's class.
_RULES: tuple[_Rule, ...] = (
    _auth_refused,
    _auth_rate_limited,
    _database_missing,
    _server_timeout,
    _permission_denied,
    _untrusted_certificate,
    _encryption_required,
    _secure_connection_failed,
    _bad_uri,
    _connection_failed,
    _query_failed,
    _driver_failed,
)


def translate_error(
    exc: BaseException, context: dict[str, Any], timeout_s: float | None = None
) -> NeoSenseError:
    """Map a driver or network exception to a NeoSenseError the user can act on."""
    if isinstance(exc, NeoSenseError):
        return exc.with_context(**context)
    text = str(exc)
    fault = _Fault(
        exc=exc,
        text=text,
        low=text.lower(),
        code=getattr(exc, "code", None) or "",
        uri=context.get("uri", ""),
        context=context,
        timeout_s=timeout_s,
    )
    for rule in _RULES:
        error = rule(fault)
        if error is not None:
            return error
    return fault.error(ErrorCode.INTERNAL, f"Unexpected error: {type(exc).__name__}: {text}")


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (the driver wraps ssl errors)."""
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def _privilege_hint(query_name: str) -> str:
    if "index" in query_name or "constraint" in query_name:
        return "Missing privilege: SHOW INDEX / SHOW CONSTRAINT (GRANT SHOW INDEX ON DBMS TO role)."
    if "stats" in query_name:
        return "Missing privilege: db.stats procedures need an admin role."
    if "databases" in query_name:
        return "Missing privilege: ACCESS on the system database for SHOW DATABASES."
    return "Missing privilege: MATCH/TRAVERSE/READ on the database's graph."
