"""Saved connection profiles: a JSON file in the config dir, safe against crashes and races.

- Writes are atomic (temp file in the same folder, fsync, os.replace), so a crash leaves
  either the old file or the new one, never half of one.
- A file that cannot be read as profiles is moved aside to
  ``profiles.json.corrupt-<timestamp>`` and reported (ProfilesFileCorrupt); it is never
  silently replaced by an empty list.
- A file whose list holds one profile that cannot be read (a hand edit, a newer version)
  keeps the others: the unreadable entries alone go to
  ``profiles.json.unreadable-<timestamp>``, with a log line each, and are reported
  (ProfilesSetAside: "1 saved connection could not be read").
- Two app instances may save at once: every change takes an exclusive lock, re-reads the
  file and applies only its own change (add, update, delete) before writing, so neither
  instance loses the other's updates.
- Passwords are not here: they live in the OS keyring (secrets.py), keyed by profile id.
- NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE give one extra profile that
  is shown but never written unless the user saves a copy of it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ErrorCode, NeoSenseError
from .files import FileWriteError, atomic_write_text, ensure_private_dir
from .paths import config_dir

if TYPE_CHECKING:  # pydantic and the models load on first use, after the window's first paint
    from .profile_models import FILE_FORMAT, Profile

__all__ = [
    "ENVIRONMENT_PROFILE_ID",
    "FILE_FORMAT",
    "Profile",
    "ProfileStore",
    "ProfilesFileCorrupt",
    "ProfilesSetAside",
    "default_profiles_path",
    "environment_password",
    "environment_profile",
    "unreadable_text",
]

log = logging.getLogger(__name__)


def __getattr__(name: str) -> Any:
    # The models need pydantic (a fifth of the window's start-up imports); the store and
    # the constants do not, so the window paints before the models load.
    if name in ("Profile", "FILE_FORMAT"):
        from . import profile_models

        return getattr(profile_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ENVIRONMENT_PROFILE_ID = "environment"
LOCK_TIMEOUT_S = 10.0
# An O_EXCL lock file older than this is left over from a crashed process.
STALE_LOCK_S = 60.0


class ProfilesFileCorrupt(NeoSenseError):
    """The profiles file could not be read; it was moved to `moved_to` and kept there."""

    def __init__(self, path: Path, moved_to: Path, reason: str) -> None:
        super().__init__(
            ErrorCode.FILE_CORRUPT,
            f"The saved connections in {path} could not be read ({reason}). "
            f"The file was kept as {moved_to.name} and a fresh list was started.",
            context={"path": str(path), "moved_to": str(moved_to)},
        )
        self.path = path
        self.moved_to = moved_to


class ProfilesSetAside:
    """Saved connections that could not be read, moved from the file to `moved_to`; the
    others loaded.

    Attributes:
        count: how many were set aside.
        moved_to: the file that keeps them, as they were.
        reasons: one short reason per entry (which field, what is wrong).
    """

    def __init__(self, count: int, moved_to: Path, reasons: list[str]) -> None:
        self.count = count
        self.moved_to = moved_to
        self.reasons = reasons


def unreadable_text(count: int) -> str:
    """What the connections pane says: "1 saved connection could not be read"."""
    noun = "saved connection" if count == 1 else "saved connections"
    return f"{count} {noun} could not be read"


def default_profiles_path() -> Path:
    return config_dir() / "profiles.json"


def environment_profile(env: Mapping[str, str] | None = None) -> Profile | None:
    """The profile given by NEO4J_URI and NEO4J_USERNAME (plus NEO4J_DATABASE), if any.

    The password (NEO4J_PASSWORD) is not part of a profile: see environment_password().
    Invalid values are logged and ignored, so a stray variable cannot stop the app.
    """
    env = os.environ if env is None else env
    uri = env.get("NEO4J_URI", "").strip()
    user = env.get("NEO4J_USERNAME", "").strip()
    if not uri or not user:
        return None
    from pydantic import ValidationError

    from .connection import ConnectionSettings
    from .profile_models import Profile

    try:
        settings = ConnectionSettings(uri=uri, user=user, database=env.get("NEO4J_DATABASE", ""))
    except ValidationError as exc:
        log.warning("ignoring NEO4J_URI/NEO4J_USERNAME: %s", exc.errors()[0]["msg"])
        return None
    return Profile(
        id=ENVIRONMENT_PROFILE_ID,
        name=f"Environment ({settings.address})",
        connection=settings,
        transient=True,
    )


def environment_password(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get("NEO4J_PASSWORD")


class _FileLock:
    """An exclusive lock between processes: flock on POSIX, an O_EXCL lock file elsewhere."""

    def __init__(self, path: Path, timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self.path = path
        self.timeout_s = timeout_s

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        try:
            ensure_private_dir(self.path.parent)
        except OSError as exc:
            raise NeoSenseError(
                ErrorCode.FILE_WRITE_FAILED,
                f"The folder {self.path.parent} cannot be created: {exc.strerror}.",
                context={"path": str(self.path.parent)},
            ) from exc
        if sys.platform != "win32":
            with self._flock():
                yield
        else:
            with self._exclusive_file():
                yield

    def _timeout_error(self) -> NeoSenseError:
        return NeoSenseError(
            ErrorCode.FILE_WRITE_FAILED,
            f"Another NeoSense window kept the profiles file locked for {self.timeout_s:.0f} s.",
            suggestions=["Try again; if it persists, close the other NeoSense windows."],
            context={"lock": str(self.path)},
        )

    @contextlib.contextmanager
    def _flock(self) -> Iterator[None]:
        import fcntl

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            # A read-only folder: an existing lock file still locks (flock needs no write
            # access), so profiles stay readable; writing then fails with a typed error.
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except OSError:
                raise FileWriteError(self.path, exc) from exc
        try:
            deadline = time.monotonic() + self.timeout_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise self._timeout_error() from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _exclusive_file(self) -> Iterator[None]:
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
                break
            except FileExistsError:
                with contextlib.suppress(OSError):
                    if time.time() - self.path.stat().st_mtime > STALE_LOCK_S:
                        self.path.unlink()
                        continue
                if time.monotonic() > deadline:
                    raise self._timeout_error() from None
                time.sleep(0.01)
        try:
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


class ProfileStore:
    """The saved profiles in one JSON file.

    Every change (add, update, delete, duplicate, save) runs as lock -> re-read -> apply
    -> atomic write, so concurrent instances merge rather than overwrite each other.

    Attributes:
        path: the JSON file.
        recovered: corruption reports met while changing the file (the damaged file was
            moved aside and the change applied to a fresh list); the UI shows and clears them.
        set_aside: unreadable profiles moved out of the file while reading it (the rest
            loaded); the UI shows and clears them.
    """

    def __init__(
        self, path: Path, *, env: Mapping[str, str] | None = None, include_environment: bool = True
    ) -> None:
        self.path = path
        self._env = env
        self._include_environment = include_environment
        self._lock = _FileLock(path.with_name(path.name + ".lock"))
        self._known_ids: set[str] = set()
        self.recovered: list[ProfilesFileCorrupt] = []
        self.set_aside: list[ProfilesSetAside] = []

    # -- reading ---------------------------------------------------------------------
    def load(self) -> list[Profile]:
        """Saved profiles in file order, then the environment profile if there is one.

        Raises ProfilesFileCorrupt after moving a damaged file aside (a later load() then
        starts from an empty list), NeoSenseError(FILE_READ_FAILED) if the file is unreadable.
        """
        with self._lock.held():
            profiles, corrupt = self._read_locked()
        self._known_ids = {p.id for p in profiles}
        if corrupt is not None:
            raise corrupt
        return self._with_environment(profiles)

    def get(self, profile_id: str) -> Profile | None:
        return next((p for p in self.load() if p.id == profile_id), None)

    def find(self, name_or_id: str) -> Profile | None:
        """A profile by id, else by exact name, else by case-insensitive name."""
        profiles = self.load()
        wanted = name_or_id.casefold()
        return (
            next((p for p in profiles if p.id == name_or_id), None)
            or next((p for p in profiles if p.name == name_or_id), None)
            or next((p for p in profiles if p.name.casefold() == wanted), None)
        )

    def _with_environment(self, profiles: list[Profile]) -> list[Profile]:
        if not self._include_environment:
            return profiles
        env_profile = environment_profile(self._env)
        if env_profile is None or any(p.id == env_profile.id for p in profiles):
            return profiles
        return [*profiles, env_profile]

    def _read_locked(self) -> tuple[list[Profile], ProfilesFileCorrupt | None]:
        from pydantic import ValidationError

        from .profile_models import _ProfilesFile

        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return [], None
        except OSError as exc:
            raise NeoSenseError(
                ErrorCode.FILE_READ_FAILED,
                f"The saved connections in {self.path} cannot be read: {exc.strerror}.",
                context={"path": str(self.path)},
            ) from exc
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            entries = data.get("profiles", [])
            if not isinstance(entries, list):
                raise ValueError("profiles: not a list")
            _ProfilesFile.model_validate({**data, "profiles": []})
        except (ValueError, ValidationError, RecursionError) as exc:
            reason = _short_reason(exc)
            moved_to = self._move_aside()
            log.error("profiles file %s is corrupt (%s); kept as %s", self.path, reason, moved_to)
            return [], ProfilesFileCorrupt(self.path, moved_to, reason)
        profiles, unreadable = _read_entries(entries)
        if unreadable:
            self._set_aside(profiles, unreadable)
        return [p for p in profiles if not p.transient], None

    def _set_aside(self, profiles: list[Profile], unreadable: list[tuple[Any, str]]) -> None:
        """Move the unreadable entries, as they were, to a file of their own; rewrite the
        profiles file with the others. Called with the lock held."""
        from .profile_models import FILE_FORMAT

        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        moved_to = self.path.with_name(f"{self.path.name}.unreadable-{stamp}")
        kept = {"format": FILE_FORMAT, "profiles": [entry for entry, _ in unreadable]}
        reasons = [reason for _, reason in unreadable]
        try:
            atomic_write_text(moved_to, json.dumps(kept, indent=2) + "\n")  # ASCII: any text
            self._write_locked([p for p in profiles if not p.transient])
        except NeoSenseError as exc:  # a read-only folder: skip them now, lose nothing
            log.warning("unreadable saved connections left in %s: %s", self.path, exc.message)
            moved_to = self.path
        for reason in reasons:
            log.warning(
                "a saved connection in %s could not be read (%s); kept in %s",
                self.path,
                reason,
                moved_to,
            )
        self.set_aside.append(ProfilesSetAside(len(unreadable), moved_to, reasons))

    def _move_aside(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, target)
        return target

    # -- changing --------------------------------------------------------------------
    def _change(self, apply: Callable[[list[Profile]], list[Profile]]) -> list[Profile]:
        with self._lock.held():
            current, corrupt = self._read_locked()
            if corrupt is not None:
                self.recovered.append(corrupt)
            result = [p for p in apply(current) if not p.transient]
            self._write_locked(result)
        self._known_ids = {p.id for p in result}
        return self._with_environment(result)

    def _write_locked(self, profiles: list[Profile]) -> None:
        from .profile_models import _ProfilesFile

        payload = _ProfilesFile(profiles=profiles).model_dump(mode="json")
        try:
            atomic_write_text(self.path, json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        except FileWriteError as exc:
            exc.message = f"The saved connections could not be written: {exc.message}"
            raise

    def save(self, profiles: list[Profile]) -> list[Profile]:
        """Write this instance's view of the list, merged with what is on disk now.

        Profiles in `profiles` replace those with the same id (the newer updated_at wins
        when both sides changed one); ids this instance loaded but dropped are deleted;
        ids added on disk by another instance since our last load are kept.
        """
        mine = {p.id: p for p in profiles if not p.transient}
        known = set(self._known_ids)

        def merge(current: list[Profile]) -> list[Profile]:
            merged: list[Profile] = []
            seen: set[str] = set()
            for p in current:
                seen.add(p.id)
                if p.id in mine:
                    ours = mine[p.id]
                    merged.append(ours if ours.updated_at >= p.updated_at else p)
                elif p.id not in known:
                    merged.append(p)  # added elsewhere since we last looked
            merged.extend(p for pid, p in mine.items() if pid not in seen)
            return merged

        return self._change(merge)

    def add(self, profile: Profile) -> list[Profile]:
        new = profile.model_copy(update={"transient": False})

        def apply(current: list[Profile]) -> list[Profile]:
            if any(p.id == new.id for p in current):
                raise NeoSenseError(
                    ErrorCode.INVALID_INPUT,
                    f"A profile with id {new.id} already exists.",
                    suggestions=["Use update() to change it, or duplicate() to copy it."],
                )
            return [*current, new]

        return self._change(apply)

    def update(self, profile: Profile) -> list[Profile]:
        """Replace the profile with the same id (added if another instance deleted it)."""
        from .profile_models import _now

        new = profile.model_copy(update={"transient": False, "updated_at": _now()})

        def apply(current: list[Profile]) -> list[Profile]:
            if not any(p.id == new.id for p in current):
                return [*current, new]
            return [new if p.id == new.id else p for p in current]

        return self._change(apply)

    def delete(self, profile_id: str) -> list[Profile]:
        return self._change(lambda current: [p for p in current if p.id != profile_id])

    def duplicate(self, profile_id: str, new_name: str | None = None) -> Profile:
        """Copy a profile (saved or the environment one) under a new id and name; saved."""
        source = next((p for p in self._peek() if p.id == profile_id), None)
        if source is None:
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT, f"There is no profile with id {profile_id}."
            )
        from .profile_models import Profile, _now

        now = _now()
        copy = Profile(
            name=new_name or f"{source.name} (copy)",
            connection=source.connection.model_copy(deep=True),
            created_at=now,
            updated_at=now,
        )
        self.add(copy)
        return copy

    def _peek(self) -> list[Profile]:
        with self._lock.held():
            current, corrupt = self._read_locked()
        if corrupt is not None:
            self.recovered.append(corrupt)
        return self._with_environment(current)

    def take_set_aside(self) -> list[ProfilesSetAside]:
        """Set-aside reports not yet shown; clears the list."""
        taken, self.set_aside = self.set_aside, []
        return taken

    def take_recovered(self) -> list[ProfilesFileCorrupt]:
        """Corruption reports not yet shown; clears the list."""
        taken, self.recovered = self.recovered, []
        return taken


def _read_entries(entries: list[Any]) -> tuple[list[Profile], list[tuple[Any, str]]]:
    """Each entry of the file's list on its own: the profiles read, and the entries that
    could not be (with why), so one bad entry never hides the others."""
    from pydantic import ValidationError

    from .profile_models import Profile

    profiles: list[Profile] = []
    unreadable: list[tuple[Any, str]] = []
    for entry in entries:
        try:
            # A lone surrogate ("\ud800") is valid JSON but no text: it could never be
            # written back (UTF-8), so such a profile is unreadable too.
            json.dumps(entry, ensure_ascii=False).encode("utf-8")
            profiles.append(Profile.model_validate(entry))
        except UnicodeEncodeError:
            unreadable.append((entry, "a text holds a lone UTF-16 surrogate"))
        except (ValueError, ValidationError, RecursionError) as exc:
            unreadable.append((entry, _short_reason(exc)))
    return profiles, unreadable


def _short_reason(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno}"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(exc)
