"""Logging for the app: a rotating file in the log dir, and redaction of every secret.

Passwords are registered with the redactor when they enter memory (typed, read from the
keyring or the environment); every formatted log line, tracebacks included, passes through
it, so a password that slips into an exception message still never reaches a log.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

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
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
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
