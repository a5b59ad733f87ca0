"""scripts/debian_package.py (`make deb`): the Depends check on real ELF files and this
machine's dpkg, the package's layout and control fields from a small real bundle (dpkg-deb,
desktop-file-validate, appstreamcli), and versions as dpkg orders them. The full package from
the PyInstaller bundle is installed, run and purged by scripts/check-deb in CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import debian_package as deb

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None,
    reason="Debian packages are built on Debian/Ubuntu",
)

APP_ID = deb.APP_ID


def _bundle(tmp_path: Path, executable: str) -> Path:
    """A bundle folder whose executable is a copy of a real system binary."""
    bundle = tmp_path / "NeoSense"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy(executable, bundle / deb.EXECUTABLE)
    return bundle


def test_a_needed_library_that_no_depends_covers_fails_the_check(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "/bin/ls")  # NEEDED: libselinux.so.1, libc.so.6
    needs = deb.unbundled_needs(bundle)
    assert needs == {"libselinux.so.1": ["NeoSense"], "libc.so.6": ["NeoSense"]}
    problems = deb.check_depends(needs)
    assert len(problems) == 1, problems
    assert problems[0].startswith("libselinux.so.1 (needed by NeoSense) is neither in the bundle")
    assert "the package libselinux1 provides it here" in problems[0]
    # Covered by a package of Depends: no problem; declared under the wrong package: caught.
    assert deb.check_depends(needs, {**deb.LINKED, "libselinux1": ("libselinux.so.1",)}) == []
    wrong = {**deb.LINKED, "libc6": (*deb.LINKED["libc6"], "libselinux.so.1")}
    assert deb.check_depends(needs, wrong) == [
        "libselinux.so.1 (needed by NeoSense) comes from libselinux1 here, not from libc6 as "
        "LINKED says"
    ]


def test_a_library_the_bundle_carries_needs_no_depends(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "/bin/ls")
    selinux = Path(os.path.realpath("/lib/x86_64-linux-gnu/libselinux.so.1"))
    if not selinux.exists():  # another architecture: ask the loader where it is
        selinux = Path(next(p for n, p in deb._loader_cache() if n == "libselinux.so.1"))
    shutil.copy(selinux, bundle / "_internal" / "libselinux.so.1")
    needs = deb.unbundled_needs(bundle)
    assert "libselinux.so.1" not in needs
    # ...but what the carried library itself links is now needed in its name.
    assert needs["libc.so.6"] == ["NeoSense", "_internal/libselinux.so.1"]


def test_the_package_from_a_bundle(tmp_path: Path) -> None:
    bundle = _bundle(tmp_path, "/bin/true")  # NEEDED: libc.so.6 only
    # A real library that needs only libc, copied 0755 as PyInstaller copies them.
    libz = next(path for name, path in deb._loader_cache() if name == "libz.so.1")
    shutil.copy(libz, bundle / "_internal" / "libdemo.so.1")
    (bundle / "_internal" / "libdemo.so.1").chmod(0o755)
    built = deb.build(bundle, tmp_path / "out", tmp_path / "work", compression="gzip")

    version = deb.project_version()
    arch = deb.debian_arch()
    assert built.name == f"neosense-desktop_{version}_{arch}.deb"

    def field(name: str) -> str:
        return subprocess.run(
            ["dpkg-deb", "--field", str(built), name], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert field("Package") == "neosense-desktop"
    assert field("Version") == version
    assert field("Architecture") == arch
    assert field("Depends") == f"libc6 (>= {deb.glibc_floor(bundle)}), fontconfig-config"

    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(built)], capture_output=True, text=True, check=True
    ).stdout
    entries = {
        line.split()[-1] if " -> " not in line else line.split()[-3]: line
        for line in listing.splitlines()
    }
    sizes = deb.icon_sizes()
    assert {16, 32, 48, 128, 256, 512} <= set(sizes)
    expected = [
        "./opt/neosense-desktop/NeoSense",
        "./opt/neosense-desktop/_internal/libdemo.so.1",
        "./usr/bin/neosense-desktop",
        f"./usr/share/applications/{APP_ID}.desktop",
        f"./usr/share/metainfo/{APP_ID}.metainfo.xml",
        f"./usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        *(f"./usr/share/icons/hicolor/{s}x{s}/apps/{APP_ID}.png" for s in sizes),
        "./usr/share/doc/neosense-desktop/copyright",
        "./usr/share/doc/neosense-desktop/changelog.gz",
        "./usr/share/man/man1/neosense-desktop.1.gz",
        "./usr/share/lintian/overrides/neosense-desktop",
    ]
    assert [path for path in expected if path not in entries] == []
    assert entries["./usr/bin/neosense-desktop"].startswith("lrwxrwxrwx root/root")
    assert entries["./usr/bin/neosense-desktop"].endswith("-> /opt/neosense-desktop/NeoSense")
    assert entries["./opt/neosense-desktop/NeoSense"].startswith("-rwxr-xr-x root/root")
    # Shared libraries 0644 whatever the bundle's modes (lintian: shared-library-is-executable).
    assert entries["./opt/neosense-desktop/_internal/libdemo.so.1"].startswith("-rw-r--r--")
    # ...in the package only: the bundle it came from is left as it was.
    assert (bundle / "_internal" / "libdemo.so.1").stat().st_mode & 0o777 == 0o755

    root = tmp_path / "extracted"
    subprocess.run(["dpkg-deb", "--extract", str(built), str(root)], check=True)
    desktop = root / "usr/share/applications" / f"{APP_ID}.desktop"
    assert "Exec=neosense-desktop %f" in desktop.read_text(encoding="utf-8").splitlines()
    subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    metainfo = root / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml"
    subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], check=True)
    copyright_text = (root / "usr/share/doc/neosense-desktop/copyright").read_text(encoding="utf-8")
    assert "License: MIT" in copyright_text
    assert "/usr/share/common-licenses/LGPL-3" in copyright_text


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [("0.1.0", "0.1.0"), ("0.2.0rc1", "0.2.0~rc1"), ("1.0.post2", "1.0+post2")],
)
def test_versions_sort_in_dpkg_as_in_python(pep440: str, debian: str) -> None:
    assert deb.debian_version(pep440) == debian
    release = pep440.split("rc")[0].split(".post")[0]
    relation = "lt" if "rc" in pep440 else "ge"
    subprocess.run(["dpkg", "--compare-versions", debian, relation, release], check=True)


def test_a_version_without_a_debian_equivalent_or_a_release_note_is_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(deb.PackagingError, match="has no Debian equivalent"):
        deb.debian_version("1.0.dev3")
    metainfo = tmp_path / "m.xml"
    metainfo.write_text(
        '<component><releases><release version="0.1.0" date="2026-11-27"/></releases></component>',
        encoding="utf-8",
    )
    assert deb.release_date("0.1.0", metainfo) == "2026-11-27"
    with pytest.raises(deb.PackagingError, match=re.escape('no <release version="0.2.0"')):
        deb.release_date("0.2.0", metainfo)
