"""Build dist/neosense-desktop_<version>_<arch>.deb from the PyInstaller bundle, with dpkg-deb.

    scripts/build-deb [--bundle dist/NeoSense] [--output dist]
    scripts/build-deb --check-depends [--bundle dist/NeoSense]

The package: the bundle under /opt/neosense-desktop/, /usr/bin/neosense-desktop (a link to its
executable), the desktop entry and AppStream metainfo from resources/linux/, the icons in
/usr/share/icons/hicolor/ at every size of resources/icons/ and as SVG, a man page, the
copyright (NeoSense's MIT licence, then what the bundle carries and under which licence) and
the lintian overrides with their reasons. The version comes from pyproject.toml and must
have a <release> in the metainfo (its date dates the changelog, so builds are reproducible).

Depends: the bundle carries its own Qt, Python and most X11 libraries (PyInstaller copies
them), so the system provides only the few libraries that PyInstaller leaves out on purpose
(libc, GL/EGL, libxcb, Wayland's client libraries) and the font configuration. LINKED says
which package gives which library; before building, check_depends reads every ELF file of
the bundle (objdump -p: NEEDED) and fails when one needs a library that neither the bundle
nor a package of Depends provides (or that dpkg says another package provides here).
No maintainer scripts: dpkg's triggers refresh the icon cache, the desktop database and the
man index.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "neosense-desktop"
APP_ID = "io.github.neosense.NeoSense"
INSTALL_DIR = "opt/neosense-desktop"
EXECUTABLE = "NeoSense"
MAINTAINER = "NeoSense Desktop maintainers <maintainers@neosense.invalid>"
LINUX = ROOT / "resources" / "linux"
ICONS = ROOT / "resources" / "icons"

# The system libraries the bundle links and does not carry, by the Debian package that
# provides them. PyInstaller leaves these out on purpose: libc must be the system's, and
# GL/EGL/libxcb/Wayland must match the system's drivers and display server.
LINKED: dict[str, tuple[str, ...]] = {
    "libc6": (
        "libc.so.6",
        "libm.so.6",
        "libpthread.so.0",
        "libdl.so.2",
        "librt.so.1",
        "ld-linux-x86-64.so.2",
    ),
    "libgl1": ("libGL.so.1",),
    "libegl1": ("libEGL.so.1",),
    "libxcb1": ("libxcb.so.1",),
    # Only the wayland platform plugin and its shell integrations link these.
    "libwayland-client0": ("libwayland-client.so.0",),
    "libwayland-cursor0": ("libwayland-cursor.so.0",),
}
# Depends for files rather than links: the bundled libfontconfig reads the system's
# /etc/fonts, which fontconfig-config installs along with a font (fonts-dejavu-core or
# another it accepts). Without it Qt finds no font and draws no text.
DATA_DEPENDS: tuple[str, ...] = ("fontconfig-config",)
# Passwords go to a Secret Service over the D-Bus session bus (keyring's SecretService
# backend talks D-Bus in pure Python, jeepney, so no library is linked). Without one the
# app keeps passwords in memory for the session and says so: recommended, not required.
RECOMMENDS: tuple[str, ...] = (
    "default-dbus-session-bus | dbus-session-bus",
    "gnome-keyring | kwalletmanager | keepassxc",
)


class PackagingError(Exception):
    """A reason not to build; the message says what to change."""


# ---- what the bundle links -------------------------------------------------------------


def is_elf(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def elf_files(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if is_elf(p))


def needed_libraries(elf: Path) -> list[str]:
    """The DT_NEEDED entries of one ELF file (objdump -p, from binutils)."""
    out = subprocess.run(
        ["objdump", "-p", str(elf)], capture_output=True, text=True, check=True
    ).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)\s*$", out, re.M)


def unbundled_needs(bundle: Path) -> dict[str, list[str]]:
    """Each library some ELF file of the bundle needs and the bundle does not carry (by
    file name, anywhere in it: PyInstaller's loader and Qt's RUNPATHs find them there),
    with the bundle's files that need it."""
    carried = {p.name for p in bundle.rglob("*") if p.is_file()}
    needs: dict[str, list[str]] = {}
    for elf in elf_files(bundle):
        for lib in needed_libraries(elf):
            if lib not in carried:
                needs.setdefault(lib, []).append(str(elf.relative_to(bundle)))
    return needs


def glibc_floor(bundle: Path) -> str:
    """The newest GLIBC_x.y symbol version any ELF file of the bundle asks for."""
    versions: set[tuple[int, ...]] = set()
    for elf in elf_files(bundle):
        out = subprocess.run(
            ["objdump", "-T", str(elf)], capture_output=True, text=True, check=False
        ).stdout
        versions.update(
            tuple(int(n) for n in v.split(".")) for v in re.findall(r"GLIBC_(\d+(?:\.\d+)+)", out)
        )
    if not versions:
        raise PackagingError(f"no GLIBC symbol versions found in {bundle}; is it a Linux bundle?")
    return ".".join(str(n) for n in max(versions))


@functools.cache
def _loader_cache() -> tuple[tuple[str, str], ...]:
    """(soname, path) for every library in ldconfig's cache, all architectures."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    return tuple(
        (m.group(1), m.group(2)) for m in re.finditer(r"^\s*(\S+) \([^)]*\) => (\S+)$", out, re.M)
    )


@functools.cache
def system_owner(soname: str) -> str | None:
    """The Debian package of this machine's architecture that owns `soname`, if any."""
    arch = debian_arch()
    for name, path in _loader_cache():
        if name != soname:
            continue
        real = os.path.realpath(path)
        for candidate in dict.fromkeys([path, real, real.removeprefix("/usr")]):
            found = subprocess.run(
                ["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False
            )
            for line in found.stdout.splitlines():  # "libc6:amd64: /lib/x86_64-linux-gnu/..."
                package, _, _path = line.partition(": ")
                name_only, _, package_arch = package.partition(":")
                if package_arch in (arch, ""):
                    return name_only
    return None


def check_depends(
    needs: dict[str, list[str]],
    linked: dict[str, tuple[str, ...]] = LINKED,
    owner: Callable[[str], str | None] = system_owner,
) -> list[str]:
    """Problems, one line each: a needed library that no package of `linked` provides, or
    that this machine's dpkg says another package provides."""
    provider = {soname: pkg for pkg, sonames in linked.items() for soname in sonames}
    problems = []
    for soname, users in sorted(needs.items()):
        shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
        pkg = provider.get(soname)
        actual = owner(soname)
        if pkg is None:
            where = f"the package {actual} provides it here" if actual else "not installed here"
            problems.append(
                f"{soname} (needed by {shown}) is neither in the bundle nor covered by "
                f"Depends ({where}); add it to LINKED in scripts/debian_package.py, or leave "
                "the binaries that need it out of the bundle (build.spec)"
            )
        elif actual is not None and actual != pkg:
            problems.append(
                f"{soname} (needed by {shown}) comes from {actual} here, not from {pkg} as "
                "LINKED says"
            )
    return problems


def depends_field(bundle: Path, needs: dict[str, list[str]]) -> str:
    """Depends: the packages of LINKED that some needed library calls for, libc6 with the
    glibc version the bundle asks for, then DATA_DEPENDS."""
    used = [pkg for pkg, sonames in LINKED.items() if any(s in needs for s in sonames)]
    fields = [f"{pkg} (>= {glibc_floor(bundle)})" if pkg == "libc6" else pkg for pkg in used]
    return ", ".join([*fields, *DATA_DEPENDS])


# ---- version, metadata -----------------------------------------------------------------


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])


def debian_version(pep440: str) -> str:
    """PEP 440 to a Debian version that sorts the same: pre-releases with '~' (0.2.0~rc1 <
    0.2.0), a local part ('+') as is; anything else is refused."""
    m = re.fullmatch(
        r"(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\+([a-z0-9.]+))?", pep440
    )
    if not m:
        raise PackagingError(f"version {pep440!r} in pyproject.toml has no Debian equivalent")
    release, pre, pre_n, post, local = m.groups()
    version = release
    if pre:
        version += f"~{pre}{pre_n}"
    if post:
        version += f"+post{post}"
    if local:
        version += f"+{local}"
    return version


def release_date(version: str, metainfo: Path = LINUX / f"{APP_ID}.metainfo.xml") -> str:
    """The date of `version`'s <release> in the metainfo (YYYY-MM-DD)."""
    for release in ET.parse(metainfo).getroot().iter("release"):
        if release.get("version") == version and release.get("date"):
            return str(release.get("date"))
    raise PackagingError(
        f'{metainfo.name} has no <release version="{version}" date=...>: add one for the '
        "version in pyproject.toml (software centres show it)"
    )


def summary_and_description(metainfo: Path = LINUX / f"{APP_ID}.metainfo.xml") -> tuple[str, str]:
    root = ET.parse(metainfo).getroot()
    summary = (root.findtext("summary") or "").strip()
    paragraphs = []
    description = root.find("description")
    for element in description if description is not None else []:
        if element.tag == "p":
            paragraphs.append(" ".join((element.text or "").split()))
        elif element.tag == "ul":
            # Indented one more: shown verbatim, as a list (Debian policy 5.6.13).
            paragraphs.extend(" - " + " ".join((li.text or "").split()) for li in element)
    return summary, "\n".join(paragraphs)


def control_description(summary: str, description: str) -> str:
    """Description: the summary, then the long text wrapped at 79 columns, one space in."""
    lines = [f"Description: {summary}"]
    for paragraph in description.splitlines():
        if paragraph.startswith(" "):  # a list item: kept on its own line
            lines.append(f" {paragraph}")
            continue
        words, line = paragraph.split(), ""
        for word in words:
            if line and len(line) + 1 + len(word) > 78:
                lines.append(f" {line}")
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(f" {line}")
    return "\n".join(lines)


@functools.cache
def debian_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


# ---- the copyright file ----------------------------------------------------------------

MIT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""


def bundled_distributions(bundle: Path) -> list[str]:
    """'name version: licence' for each Python distribution whose metadata the bundle
    carries (PyInstaller copies the *.dist-info folders build.spec asks for)."""
    rows = []
    for metadata in sorted(bundle.rglob("*.dist-info/METADATA")):
        fields: dict[str, str] = {}
        for line in metadata.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(": ")
            if key in ("Name", "Version", "License-Expression", "License") and key not in fields:
                fields[key] = value.strip()
        licence = (
            fields.get("License-Expression") or fields.get("License") or "see its licence files"
        )
        rows.append(
            f"{fields.get('Name', metadata.parent.name)} {fields.get('Version', '')}: {licence}"
        )
    return rows


def bundled_system_libraries(bundle: Path) -> list[str]:
    """'library: Debian package' for the top-level libraries PyInstaller copied from this
    machine (libQt6*, libicu*, libpyside* and libshiboken* come from the PySide6 wheel)."""
    rows = []
    for lib in sorted((bundle / "_internal").glob("lib*.so*")):
        if re.match(r"lib(Qt6|icu|pyside6|shiboken6|python)", lib.name):
            continue
        owner = system_owner(lib.name)
        rows.append(f"{lib.name}: from Debian's {owner}" if owner else f"{lib.name}")
    return rows


def copyright_text(bundle: Path, year: str) -> str:
    distributions = "\n".join(f"  {row}" for row in bundled_distributions(bundle))
    libraries = "\n".join(f"  {row}" for row in bundled_system_libraries(bundle))
    return f"""\
NeoSense Desktop

Copyright (c) {year} NeoSense Desktop developers
License: MIT

{MIT}
Under /{INSTALL_DIR}/ the package carries, as built by PyInstaller, software by others
under their own licences; their licence files are in the bundle next to their metadata:

- Python 3 (PSF License 2.0) and PyInstaller's bootloader (GPL-2.0 with an exception that
  allows bundling applications under any licence).
- Qt 6 and PySide6 / Shiboken 6 (LGPL-3.0), from the PySide6-Essentials wheel, with ICU
  (Unicode-3.0). Qt's libraries are separate, replaceable files in _internal/.

On Debian systems the full texts of the GNU Lesser General Public License version 3 and of
the GNU General Public License version 2 are in /usr/share/common-licenses/LGPL-3 and
/usr/share/common-licenses/GPL-2.
- Python distributions:
{distributions}
- Libraries copied from the build machine's Debian packages (their copyright files are in
  /usr/share/doc/<package>/copyright on any Debian system):
{libraries}
"""


# ---- the package tree ------------------------------------------------------------------

MAN_PAGE = r""".TH NEOSENSE-DESKTOP 1 "{date}" "neosense-desktop {version}" "User Commands"
.SH NAME
neosense-desktop \- see what is inside a Neo4j database
.SH SYNOPSIS
.B neosense-desktop
.RI [ REPORT.json ]
.br
.B neosense-desktop
.BR probe | extract | export | diff | schema
.RI [ options ]
.br
.B neosense-desktop \-\-self\-test
.SH DESCRIPTION
Without a command, opens the NeoSense window (and the saved report given as argument).
It connects to a Neo4j server read-only and shows every label, relationship type, property,
index and constraint, how complete the data is and how the graph is shaped, then exports it
as a JSON, HTML, Markdown, LLM text or Cypher report.
.PP
With a command it runs headless on the same engine; see
.B neosense-desktop \-\-help
and
.BI "neosense-desktop " COMMAND " \-\-help" .
.PP
.B \-\-self\-test
opens the window offscreen, runs an extraction against NEO4J_URI with NEO4J_USERNAME and
NEO4J_PASSWORD, exports and validates the report, round-trips a secret through the OS
keyring and exits 0 when every step passed.
.SH ENVIRONMENT
NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE add an unsaved connection.
NEOSENSE_CONFIG_DIR, NEOSENSE_DATA_DIR, NEOSENSE_LOG_DIR move the folders of profiles,
saved runs and logs (by default ~/.config/neosense-desktop, ~/.local/share/neosense-desktop
and ~/.local/state/neosense-desktop/log). Removing the package leaves them in place.
.SH FILES
.I /opt/neosense-desktop/
the application.
"""


def _write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    path.chmod(mode)


def _gzip(data: str) -> bytes:
    return gzip.compress(data.encode("utf-8"), compresslevel=9, mtime=0)


def icon_sizes(icons: Path = ICONS) -> list[int]:
    sizes = sorted(
        int(m.group(1))
        for p in icons.glob("neosense-*.png")
        if (m := re.fullmatch(r"neosense-(\d+)\.png", p.name))
    )
    if not sizes:
        raise PackagingError(f"no neosense-<size>.png in {icons}; run scripts/make-icons")
    return sizes


def stage(bundle: Path, tree: Path, version: str, date: str) -> None:
    """Lay out the package's files under `tree` (without DEBIAN/)."""
    if tree.exists():
        shutil.rmtree(tree)
    # A copy, not hard links: the modes set below must not change dist/NeoSense itself.
    shutil.copytree(bundle, tree / INSTALL_DIR, symlinks=True)
    (tree / "usr/bin").mkdir(parents=True)
    # Absolute: /usr/bin and /opt are different top-level folders (Debian policy 10.5).
    (tree / "usr/bin" / PACKAGE).symlink_to(f"/{INSTALL_DIR}/{EXECUTABLE}")
    share = tree / "usr/share"
    shutil.copy(LINUX / f"{APP_ID}.desktop", _parent(share / "applications"))
    shutil.copy(LINUX / f"{APP_ID}.metainfo.xml", _parent(share / "metainfo"))
    hicolor = share / "icons/hicolor"
    for size in icon_sizes():
        shutil.copy(
            ICONS / f"neosense-{size}.png",
            _parent(hicolor / f"{size}x{size}/apps") / f"{APP_ID}.png",
        )
    shutil.copy(ICONS / "neosense.svg", _parent(hicolor / "scalable/apps") / f"{APP_ID}.svg")
    doc = share / "doc" / PACKAGE
    _write(doc / "copyright", copyright_text(bundle, date[:4]))
    _write(doc / "changelog.gz", _gzip(changelog(version, date)))
    _write(
        share / "man/man1" / f"{PACKAGE}.1.gz",
        _gzip(MAN_PAGE.replace("{date}", date).replace("{version}", version)),
    )
    shutil.copy(LINUX / "lintian-overrides", _parent(share / "lintian/overrides") / PACKAGE)
    _normalise_modes(tree)


def _parent(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _normalise_modes(tree: Path) -> None:
    """0755 folders and executables, 0644 everything else, whatever the umask or the
    bundle's own modes (lintian flags group-writable files and executable data)."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            # Shared libraries 0644 (Debian policy 8.1), though PyInstaller copies them 0755.
            library = re.search(r"\.so(\.\d+)*$", path.name) is not None
            executable = path.stat().st_mode & 0o111 and (is_elf(path) or _is_script(path))
            path.chmod(0o755 if executable and not library else 0o644)


def _is_script(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == b"#!"


def changelog(version: str, date: str) -> str:
    stamp = subprocess.run(
        ["date", "-u", "-R", "-d", f"{date} 12:00"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * Release {version}, packaged from the PyInstaller bundle by scripts/build-deb.\n\n"
        f" -- {MAINTAINER}  {stamp}\n"
    )


def control(version: str, arch: str, depends: str, installed_kib: int) -> str:
    summary, description = summary_and_description()
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {depends}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\n"
        "Section: database\n"
        "Priority: optional\n"
        f"{control_description(summary, description)}\n"
    )


def md5sums(tree: Path) -> str:
    lines = []
    for path in sorted(tree.rglob("*")):
        if (
            path.is_file()
            and not path.is_symlink()
            and "DEBIAN" not in path.relative_to(tree).parts
        ):
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(tree).as_posix()}")
    return "\n".join(lines) + "\n"


def installed_size_kib(tree: Path) -> int:
    """dpkg's estimate: each file rounded up to KiB, symlinks and folders 1 KiB."""
    total = 0
    for path in tree.rglob("*"):
        if path.is_symlink() or path.is_dir():
            total += 1
        else:
            total += -(-path.stat().st_size // 1024)
    return total


def build(bundle: Path, output: Path, work: Path, compression: str = "xz") -> Path:
    executable = bundle / EXECUTABLE
    if not os.access(executable, os.X_OK):
        raise PackagingError(f"{executable} missing; run 'make bundle' first")
    needs = unbundled_needs(bundle)
    problems = check_depends(needs)
    if problems:
        raise PackagingError(
            "Depends does not cover what the bundle links:\n  " + "\n  ".join(problems)
        )
    version = debian_version(project_version())
    date = release_date(project_version())
    arch = debian_arch()
    tree = work / "root"
    stage(bundle, tree, version, date)
    debian = tree / "DEBIAN"
    _write(debian / "md5sums", md5sums(tree))
    _write(
        debian / "control",
        control(version, arch, depends_field(bundle, needs), installed_size_kib(tree)),
    )
    debian.chmod(0o755)
    output.mkdir(parents=True, exist_ok=True)
    deb = output / f"{PACKAGE}_{version}_{arch}.deb"
    env = dict(os.environ, SOURCE_DATE_EPOCH=_epoch(date))
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(tree), str(deb)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return deb


def _epoch(date: str) -> str:
    return subprocess.run(
        ["date", "-u", "+%s", "-d", f"{date} 12:00"], capture_output=True, text=True, check=True
    ).stdout.strip()


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build-deb", description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "NeoSense")
    parser.add_argument("--output", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    parser.add_argument(
        "--compression",
        default="xz",
        choices=["xz", "gzip", "zstd"],
        help="xz (default: the smallest, and every dpkg reads it); gzip builds ~8x faster but "
        "34%% larger; zstd needs dpkg 1.21.18+ (Debian 12, Ubuntu 21.10)",
    )
    parser.add_argument(
        "--check-depends",
        action="store_true",
        help="only check that Depends covers what the bundle links",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.check_depends:
            needs = unbundled_needs(args.bundle)
            problems = check_depends(needs)
            for problem in problems:
                print(f"build-deb: {problem}", file=sys.stderr)
            if not problems:
                print(f"build-deb: Depends: {depends_field(args.bundle, needs)}")
            return 1 if problems else 0
        deb = build(args.bundle, args.output, args.work, args.compression)
    except PackagingError as exc:
        print(f"build-deb: {exc}", file=sys.stderr)
        return 1
    print(
        f"build-deb: {deb.relative_to(ROOT) if deb.is_relative_to(ROOT) else deb}, "
        f"{deb.stat().st_size / 1048576:.1f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
