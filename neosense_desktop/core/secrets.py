"""Passwords in the OS keyring, never on disk in plain text.

Keyring calls can block on D-Bus (and even prompt), so the async methods run them in a
worker thread; the GUI never waits on them in its event loop. When no keyring backend
exists, the store says so (`available` is False) and keeps passwords in memory only, for
this session.

Which backend that is, keyring decides on first use (`resolve`), not on construction: to
decide, it imports and asks every backend it knows (with the D-Bus client and its crypto),
which cost the window a sixth of its cold start (issue 16). The window resolves it in a
worker thread once it has painted.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

from .errors import ErrorCode, NeoSenseError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "neosense-desktop"
T = TypeVar("T")


def _account(profile_id: str) -> str:
    return f"profile:{profile_id}"


def _errors() -> ModuleType:
    import keyring.errors

    return keyring.errors


class SecretStore:
    """One keyring entry per profile id under the service "neosense-desktop".

    Attributes (reading either resolves the backend, see module doc):
        available: False when no usable keyring backend exists (the fail backend, or a
            backend that errored); passwords then live in memory only.
        backend_name: the backend's class name, for the UI and the About dialog.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._resolved = backend
        self._available: bool | None = None
        self._resolve_lock = threading.Lock()
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    def resolve(self) -> KeyringBackend:
        """The backend keyring chooses (its config, else the best it finds); once."""
        if self._resolved is None:
            with self._resolve_lock:
                if self._resolved is None:
                    import keyring

                    self._resolved = keyring.get_keyring()
        return self._resolved

    @property
    def _backend(self) -> KeyringBackend:
        return self.resolve()

    @property
    def available(self) -> bool:
        if self._available is None:
            from keyring.backends import fail

            self._available = not isinstance(self._backend, fail.Keyring)
        return self._available

    @available.setter
    def available(self, value: bool) -> None:
        self._available = value

    @property
    def backend_name(self) -> str:
        backend = type(self._backend)
        return backend.__module__ + "." + backend.__name__

    # -- sync API (call from worker threads, CLI or tests) ---------------------------
    def get_password(self, profile_id: str) -> str | None:
        with self._lock:
            if profile_id in self._memory:
                return self._memory[profile_id]
        if not self.available:
            return None
        try:
            return self._backend.get_password(SERVICE, _account(profile_id))
        except _errors().KeyringError as exc:
            raise self._failed("read", exc) from exc

    def set_password(self, profile_id: str, password: str) -> bool:
        """Store a password. Returns True if it went to the keyring, False if memory only."""
        if not self.available:
            with self._lock:
                self._memory[profile_id] = password
            return False
        try:
            self._backend.set_password(SERVICE, _account(profile_id), password)
        except _errors().NoKeyringError:
            self.available = False
            with self._lock:
                self._memory[profile_id] = password
            log.warning(
                "no keyring backend: password for profile %s kept in memory only", profile_id
            )
            return False
        except _errors().KeyringError as exc:
            raise self._failed("save", exc) from exc
        with self._lock:
            self._memory.pop(profile_id, None)
        return True

    def delete_password(self, profile_id: str) -> None:
        with self._lock:
            self._memory.pop(profile_id, None)
        if not self.available:
            return
        try:
            self._backend.delete_password(SERVICE, _account(profile_id))
        except _errors().PasswordDeleteError:
            pass  # nothing stored: deleting is already done
        except _errors().KeyringError as exc:
            raise self._failed("delete", exc) from exc

    def remember_for_session(self, profile_id: str, password: str) -> None:
        """Keep a password in memory only (the user chose not to save it)."""
        with self._lock:
            self._memory[profile_id] = password

    def _failed(self, what: str, exc: Exception) -> NeoSenseError:
        log.error("keyring %s failed via %s: %s", what, self.backend_name, type(exc).__name__)
        return NeoSenseError(
            ErrorCode.KEYRING_FAILED,
            f"The OS keyring could not {what} the password: {exc}",
            context={"backend": self.backend_name},
        )

    # -- async API (never blocks the event loop) -------------------------------------
    async def _in_thread(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    async def aresolve(self) -> bool:
        """Resolve the backend in a worker thread; return `available`."""
        await self._in_thread(self.resolve)
        return self.available

    async def aget_password(self, profile_id: str) -> str | None:
        return await self._in_thread(self.get_password, profile_id)

    async def aset_password(self, profile_id: str, password: str) -> bool:
        return await self._in_thread(self.set_password, profile_id, password)

    async def adelete_password(self, profile_id: str) -> None:
        await self._in_thread(self.delete_password, profile_id)
