"""Private folders and log files whatever the umask; one atomic write whose failures (a
real read-only folder, a full disk) give one typed error and keep the old file."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from neosense_desktop.core import files
from neosense_desktop.core.errors import ErrorCode
from neosense_desktop.core.export import save_report
from neosense_desktop.core.files import FileWriteError, atomic_write_text
from neosense_desktop.core.logging_setup import configure_logging
from neosense_desktop.core.profiles import ProfileStore
from neosense_desktop.core.runs import RunStore
from tests.core.test_export_runs_diff import make_report
from tests.core.test_profiles import NO_ENV, _profile


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_folders_are_0700_and_log_files_0600_under_umask_022(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    for var, sub in (("CONFIG", "config"), ("DATA", "data"), ("LOG", "log")):
        monkeypatch.setenv(f"NEOSENSE_{var}_DIR", str(home / sub))
    # An older version left a 0755 log folder with a 0644 log in it.
    (home / "log").mkdir(parents=True)
    os.chmod(home / "log", 0o755)
    (home / "log" / "neosense.log").write_text("old line\n")
    os.chmod(home / "log" / "neosense.log", 0o644)
    with _umask(0o022):
        handler = configure_logging(logging.INFO, max_bytes=200, backups=2)
        assert handler is not None
        try:
            for i in range(10):  # past max_bytes: the file rotates
                logging.getLogger("neosense_desktop.test").warning("line %d %s", i, "x" * 50)
        finally:
            logging.getLogger().removeHandler(handler)
            handler.close()
        ProfileStore(home / "config" / "profiles.json", env=NO_ENV).add(_profile("A"))
        RunStore().save(make_report())
    seen = {
        str(p.relative_to(home)): oct(_mode(p))
        for p in sorted(home.rglob("*"))
        if not p.name.endswith(".lock")
    }
    print("permissions under umask 022:", seen)
    folders = [home / "config", home / "data", home / "data" / "runs", home / "log"]
    assert {str(f.relative_to(home)): _mode(f) for f in folders} == {
        str(f.relative_to(home)): 0o700 for f in folders
    }
    logs = sorted((home / "log").iterdir())
    assert len(logs) == 3  # neosense.log, .1, .2
    assert all(_mode(p) == 0o600 for p in logs), seen
    written = [p for p in home.rglob("*") if p.is_file() and not p.name.endswith(".lock")]
    assert all(_mode(p) == 0o600 for p in written), seen


@contextlib.contextmanager
def _read_only_folder(folder: Path) -> Iterator[None]:
    """A real read-only folder: chmod for a normal user; root ignores the mode bits, so
    for root a read-only bind mount of the folder."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o500)
        try:
            yield
        finally:
            os.chmod(folder, 0o700)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_writes_into_a_read_only_folder_fail_clearly_and_keep_the_old_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    report_path = save_report(make_report(), folder / "report.json")
    profiles = ProfileStore(folder / "profiles.json", env=NO_ENV)
    profiles.add(_profile("Kept"))
    runs = RunStore(folder / "runs")
    runs.save(make_report("20260101T000000Z-000001"))
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    with _read_only_folder(folder):
        failures = []
        for write in (
            lambda: atomic_write_text(folder / "report.json", "new"),
            lambda: save_report(make_report("20260101T000000Z-other"), report_path),
            lambda: profiles.add(_profile("New")),
            lambda: runs.save(make_report("20260101T000000Z-000002")),
        ):
            with pytest.raises(FileWriteError) as info:
                write()
            failures.append(info.value)
        assert (folder / "report.json").read_bytes() == before[folder / "report.json"]
    for exc in failures:
        assert exc.code is ErrorCode.FILE_WRITE_FAILED
        assert exc.errno in (errno.EROFS, errno.EACCES)
        assert "unchanged" in exc.message and exc.suggestions
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert [p.name for p in profiles.load()] == ["Kept"]


def test_a_full_disk_gives_one_typed_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "profiles.json"
    store = ProfileStore(target, env=NO_ENV)
    store.add(_profile("Kept"))
    runs = RunStore(tmp_path / "runs")
    run_path = runs.save(make_report("20260101T000000Z-000001"))
    before = {target: target.read_bytes(), run_path: run_path.read_bytes()}
    real_fsync = os.fsync

    def disk_full(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", disk_full)
    for write in (
        lambda: store.add(_profile("New")),
        lambda: runs.save(make_report("20260101T000000Z-000001", minutes=5)),
        lambda: save_report(make_report(), run_path),
    ):
        with pytest.raises(FileWriteError) as info:
            write()
        assert info.value.errno == errno.ENOSPC
        assert os.strerror(errno.ENOSPC) in info.value.message
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in before} == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_atomic_write_syncs_the_file_and_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def record(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", record)
    atomic_write_text(tmp_path / "a.json", "{}")
    assert synced == ["file", "dir"]
    assert (tmp_path / "a.json").read_text() == "{}"
