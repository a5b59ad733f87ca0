"""Typed errors with a stable code, a message and recovery suggestions.

The UI and the CLI show these as they are, so every message is written for the user.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable error codes. Reports and other tools depend on these strings."""

    AUTH_FAILED = "auth_failed"
    UNREACHABLE = "unreachable"
    TLS_MISMATCH = "tls_mismatch"
    BAD_URI = "bad_uri"
    DATABASE_MISSING = "database_missing"
    TIMEOUT = "timeout"
    PERMISSION_DENIED = "permission_denied"
    QUERY_FAILED = "query_failed"
    CONNECTION_LOST = "connection_lost"
    CANCELLED = "cancelled"
    INVALID_INPUT = "invalid_input"
    KEYRING_UNAVAILABLE = "keyring_unavailable"
    KEYRING_FAILED = "keyring_failed"
    FILE_CORRUPT = "file_corrupt"
    FILE_WRITE_FAILED = "file_write_failed"
    FILE_READ_FAILED = "file_read_failed"
    REPORT_INCOMPATIBLE = "report_incompatible"
    SERVER_UNSUPPORTED = "server_unsupported"
    INTERNAL = "internal"


# Errors that mean "cannot use this server at all": a run raises them instead of reporting,
# and WarmClients drops a driver that met one.
CONNECT_ERRORS = frozenset(
    {
        ErrorCode.AUTH_FAILED,
        ErrorCode.UNREACHABLE,
        ErrorCode.TLS_MISMATCH,
        ErrorCode.BAD_URI,
        ErrorCode.DATABASE_MISSING,
        ErrorCode.SERVER_UNSUPPORTED,
    }
)

DEFAULT_SUGGESTIONS: dict[ErrorCode, list[str]] = {
    ErrorCode.AUTH_FAILED: [
        "Check the user name and password.",
        "If the account was just created, it may need a password change first (use Neo4j "
        "Browser or cypher-shell once).",
    ],
    ErrorCode.UNREACHABLE: [
        "Is the Neo4j server running?",
        "Check the host and the Bolt port (7687 by default).",
        "A firewall or VPN may be blocking the connection.",
    ],
    ErrorCode.TLS_MISMATCH: [
        "If the server requires encryption, use the bolt+s:// or neo4j+s:// scheme.",
        "For a self-signed certificate, use bolt+ssc:// or neo4j+ssc://.",
        "If the server has no TLS, use bolt:// or neo4j://.",
    ],
    ErrorCode.BAD_URI: [
        "Use a URI such as neo4j://host:7687 or bolt+s://host:7687.",
        "Supported schemes: neo4j, neo4j+s, neo4j+ssc, bolt, bolt+s, bolt+ssc.",
    ],
    ErrorCode.DATABASE_MISSING: [
        "Check the database name; SHOW DATABASES lists the ones this user can see.",
        "Leave the database empty to use the server's default database.",
    ],
    ErrorCode.TIMEOUT: [
        "Raise the query timeout in the run options.",
        "Use sampled mode, which reads a bounded sample instead of the whole store.",
    ],
    ErrorCode.PERMISSION_DENIED: [
        "Ask the database administrator to grant the missing privilege to this user.",
    ],
    ErrorCode.QUERY_FAILED: [
        "Retry the activity; if it fails again, send the log file to the NeoSense team.",
    ],
    ErrorCode.CONNECTION_LOST: [
        "The connection dropped mid-query: check the network and the server, then retry "
        "the failed activity.",
    ],
    ErrorCode.CANCELLED: ["Run again when ready."],
    ErrorCode.INVALID_INPUT: ["Correct the highlighted field."],
    ErrorCode.KEYRING_UNAVAILABLE: [
        "No OS keyring was found: the password is kept in memory for this session only.",
        "Install and unlock a Secret Service (GNOME Keyring, KWallet) to save passwords.",
    ],
    ErrorCode.KEYRING_FAILED: [
        "Unlock the OS keyring and try again.",
    ],
    ErrorCode.FILE_CORRUPT: [
        "The damaged file was kept aside; restore it from a backup or start afresh.",
    ],
    ErrorCode.FILE_WRITE_FAILED: [
        "Check that the folder exists, is writable and the disk has free space.",
        "Choose another location.",
    ],
    ErrorCode.FILE_READ_FAILED: ["Check that the file exists and is readable."],
    ErrorCode.REPORT_INCOMPATIBLE: [
        "The report was written by another version of NeoSense; open it with that version.",
    ],
    ErrorCode.SERVER_UNSUPPORTED: [
        "Upgrade the server to Neo4j 5.26 LTS or a current calendar release (2025.01 on).",
        "Or point NeoSense at a copy of the database on a supported server.",
    ],
    ErrorCode.INTERNAL: ["This is a bug: please report it with the log file."],
}


class NeoSenseError(Exception):
    """An error the user can act on.

    Attributes:
        code: a stable ErrorCode.
        message: what happened, in the user's words.
        suggestions: what to do next.
        context: where it happened (URI without credentials, database, activity, query...).
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        suggestions: list[str] | None = None,
        context: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.suggestions = (
            list(suggestions) if suggestions is not None else list(DEFAULT_SUGGESTIONS[code])
        )
        self.context: dict[str, Any] = dict(context or {})

    def with_context(self, **context: Any) -> NeoSenseError:
        """Add context without losing what is already known."""
        for key, value in context.items():
            self.context.setdefault(key, value)
        return self

    def user_text(self) -> str:
        """The message and the suggestions, as one block of text for a dialog or stderr."""
        lines = [self.message]
        if self.suggestions:
            lines.append("")
            lines.extend(f"- {s}" for s in self.suggestions)
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"[{self.code.value}] {self.message}"
