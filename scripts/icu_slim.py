"""Rebuild PySide6's libicudata (Linux wheels) with only the ICU data Qt can use (build.spec).

libQt6Core links ICU (NEEDED libicui18n, libicuuc, libicudata), so ICU cannot be left out:
the dynamic loader would refuse to load QtCore. But libicudata is 31 MB of data behind one
symbol, icudt<N>_dat, in ICU's "common data" package format, and QtCore calls only four
ICU services (nm -D --undefined-only libQt6Core.so.6):

- ucol_*     QCollator, localeAwareCompare (file dialogs sort with it)  -> coll/
- u_strTo{Lower,Upper}  QLocale::toLower/toUpper                         -> code, locale .res
- ucal_*     QTimeZone display names and canonical ids                   -> zone/, zoneinfo64
- ucnv_*     QStringConverter for encodings Qt has no own codec for      -> *.cnv

NeoSense reads and writes UTF-8 only (Python does its file I/O), so the converter tables are
left out (an unknown encoding then fails as it would for a name ICU does not know), and so
are the trees no ICU service above reads: break iteration (Qt has its own), units,
currencies, language and region display names, transliteration, spelled-out numbers,
character names, stringprep profiles and confusables. The locale .res files, collation,
time zones, normalization and property data all stay.

The result is the same package format, the same symbol and soname, assembled with binutils
(as, ld), which PyInstaller itself requires on Linux. `--self-test` checks collation, case
mapping and time zone names in the built bundle (ui/self_test.py).

    python scripts/icu_slim.py path/to/libicudata.so.73     # prints what it would keep
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_TREES = ("brkitr", "unit", "curr", "lang", "region", "translit", "rbnf")
DROPPED_SUFFIXES = (".cnv", ".spp", ".cfu")
DROPPED_FILES = ("unames.icu",)
ALIGN = 16


class IcuSlimError(RuntimeError):
    pass


def _items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, bytes) items, in TOC order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", package, 0)
    if (magic1, magic2) != (0xDA, 0x27) or package[12:16] != b"CmnD" or package[8] != 0:
        raise IcuSlimError("not a little-endian ICU common data package")
    count = struct.unpack_from("<I", package, header_size)[0]
    toc = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_at, data_at) in enumerate(toc):
        start = header_size + name_at
        name = package[start : package.index(b"\0", start)].decode("ascii")
        end = toc[i + 1][1] if i + 1 < count else len(package) - header_size
        items.append((name, package[header_size + data_at : header_size + end]))
    return package[:header_size], items


def wanted(name: str) -> bool:
    """name: an item's package name, e.g. "icudt73l/coll/de.res"."""
    parts = name.split("/")
    if len(parts) > 2 and parts[1] in DROPPED_TREES:
        return False
    return not (parts[-1].endswith(DROPPED_SUFFIXES) or parts[-1] in DROPPED_FILES)


def slim_package(package: bytes) -> bytes:
    """The package with only the wanted items; same header, TOC still sorted by name."""
    header, items = _items(package)
    kept = [(n, d) for n, d in items if wanted(n)]
    names = b"".join(n.encode("ascii") + b"\0" for n, _ in kept)
    toc_size = 4 + 8 * len(kept)
    data_at = toc_size + len(names)
    data_at += -(len(header) + data_at) % ALIGN  # items start 16-aligned, as ICU writes them
    toc = [struct.pack("<I", len(kept))]
    name_at, body = toc_size, bytearray()
    for name, data in kept:
        toc.append(struct.pack("<II", name_at, data_at + len(body)))
        name_at += len(name) + 1
        body += data + b"\0" * (-len(data) % ALIGN)
    padding = b"\0" * (data_at - toc_size - len(names))
    return header + b"".join(toc) + names + padding + bytes(body)


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def read_package(library: Path) -> tuple[str, bytes]:
    """(symbol, package bytes) of a libicudata shared library (its .rodata holds only it)."""
    symbols = re.findall(r"\b(icudt\d+_dat)\b", _run("nm", "-D", "--defined-only", str(library)))
    if len(symbols) != 1:
        raise IcuSlimError(f"{library.name}: expected one icudt*_dat symbol, found {symbols}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rodata.bin"
        _run("objcopy", "-O", "binary", "--only-section=.rodata", str(library), str(out))
        return symbols[0], out.read_bytes()


def build_library(package: bytes, symbol: str, soname: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "icudata.dat"
        data.write_bytes(package)
        source = Path(tmp) / "icudata.s"
        source.write_text(
            f"\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n"
            f'{symbol}:\n\t.incbin "{data}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        obj = Path(tmp) / "icudata.o"
        _run("as", "-o", str(obj), str(source))
        _run("ld", "-shared", "-soname", soname, "-o", str(out), str(obj))


def slim_library(library: Path, out_dir: Path) -> Path:
    """Write the slim library, under the original's file name, into out_dir; return it."""
    for tool in ("nm", "objcopy", "as", "ld"):
        if shutil.which(tool) is None:
            raise IcuSlimError(f"{tool} (binutils) is not installed")
    symbol, package = read_package(library)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / library.name
    build_library(slim_package(package), symbol, library.name, out)
    return out


def main(argv: list[str]) -> int:
    _header, items = _items(read_package(Path(argv[0]))[1])
    kept = sum(len(d) for n, d in items if wanted(n))
    total = sum(len(d) for _n, d in items)
    print(f"{len(items)} items, {total / 2**20:.1f} MB; keeps {kept / 2**20:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
