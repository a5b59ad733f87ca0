"""Logging for the app: a rotating file in the log dir, and redaction of every secret.

Passwords are registered with the redactor when they enter memory (typed, read from the
keyring or the environment); every formatted log line, tracebacks included, passes through
it, so a password that slips into an exception message still never reaches a log.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from .files import ensure_private_dir
from .paths import log_dir

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MASK = "********"
# user:password@host in URIs, and password=... / "password": "..." shapes.
_URI_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s:]+:[^/@\s]*@", re.I)
_KEY_VALUE = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|secret|credentials?)\b[\"']?\s*[:=]\s*)"
    r"(?P<q>[\"']?)(?P<value>[^\"'\s,;)}]+)",
    re.I,
)


class SecretRedactor:
    """Masks known secrets and password-shaped text in log output. Thread-safe."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str | None) -> None:
        # One- or two-character "secrets" would mask ordinary text everywhere.
        if secret and len(secret) >= 3:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _URI_CREDENTIALS.sub(lambda m: f"{m['scheme']}{MASK}@", text)
        return _KEY_VALUE.sub(lambda m: f"{m['key']}{m['q']}{MASK}", text)


REDACTOR = SecretRedactor()


class RedactingFormatter(logging.Formatter):
    """A Formatter whose whole output (message, arguments, traceback) is redacted."""

    def __init__(self, fmt: str = LOG_FORMAT, redactor: SecretRedactor = REDACTOR) -> None:
        super().__init__(fmt)
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.redact(super().format(record))


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files are 0600 whatever the umask (the log names servers,
    users and profiles); a file left 0644 by an older version is tightened on open."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if sys.platform != "win32":
            os.fchmod(fd, 0o600)
        return io.TextIOWrapper(
            open(fd, "ab"), encoding=self.encoding, errors=self.errors, write_through=False
        )


@contextlib.contextmanager
def cli_logging(verbose: bool) -> Iterator[logging.Handler]:
    """The CLI's log while the command runs: stderr, redacted like the app's log file (its
    own mask, so it never depends on a library masking its own debug output)."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(min(previous_level or logging.WARNING, handler.level))
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)


def log_file_path() -> Path:
    return log_dir() / "neosense.log"


def configure_logging(
    level: int = logging.INFO,
    *,
    file_path: Path | None = None,
    max_bytes: int = 2_000_000,
    backups: int = 5,
) -> logging.Handler | None:
    """Install a rotating, redacting file handler on the root logger; returns it.

    Returns None (and logs to stderr only) when the log folder cannot be created.
    """
    root = logging.getLogger()
    root.setLevel(min(root.level or logging.WARNING, level) if root.handlers else level)
    path = file_path or log_file_path()
    try:
        ensure_private_dir(path.parent)
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        fallback = logging.StreamHandler()
        fallback.setFormatter(RedactingFormatter())
        root.addHandler(fallback)
        logging.getLogger(__name__).warning("no log file in %s: %s", path.parent, exc)
        return None
    handler.setFormatter(RedactingFormatter())
    handler.setLevel(level)
    root.addHandler(handler)
    # The driver logs every Bolt message at DEBUG: far too much for a desktop log.
    logging.getLogger("neo4j").setLevel(logging.WARNING)
    return handler
