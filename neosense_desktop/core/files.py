"""Writing files so that nothing is ever lost: one atomic write, one private folder helper.

Profiles, exported reports and saved runs all go through atomic_write_text, so a crash, a
full disk or a read-only folder leaves the old file as it was and gives one typed error.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from pathlib import Path

from .errors import ErrorCode, NeoSenseError

PRIVATE_DIR_MODE = 0o700


class FileWriteError(NeoSenseError):
    """A file could not be written (code FILE_WRITE_FAILED); the old file, if any, is intact."""

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = exc.strerror or str(exc)
        super().__init__(
            ErrorCode.FILE_WRITE_FAILED,
            f"Could not write {path}: {reason}. The previous version of the file, if any, "
            "is unchanged.",
            context={"path": str(path), "errno": exc.errno},
        )
        self.path = path
        self.errno = exc.errno


def _fsync_dir(folder: Path) -> None:
    """Make a rename in folder durable (POSIX; Windows has no directory handles to sync)."""
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write text to path via a temp file in the same folder: write, fsync the file,
    os.replace, fsync the folder. Readers see the old or the new file, never a mix.

    The new file is 0600 (mkstemp's mode). Raises FileWriteError on any OSError (full
    disk, read-only or missing folder); the temp file is removed and the old file kept.
    """
    target = Path(path)
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        tmp = None
        _fsync_dir(target.parent)
    except OSError as exc:
        raise FileWriteError(target, exc) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()


def ensure_private_dir(folder: Path) -> Path:
    """Create folder (and any missing parents) 0700, whatever the umask; take group and
    other access away from an existing one (logs, runs and profiles name servers, users and
    databases) without granting anything the owner lacked. Raises OSError."""
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for created in reversed(missing):
        created.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(created, PRIVATE_DIR_MODE)  # mkdir's mode is masked by the umask
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    mode = folder.stat().st_mode & 0o777
    if sys.platform != "win32" and mode & 0o077:
        os.chmod(folder, mode & 0o700)
    return folder
