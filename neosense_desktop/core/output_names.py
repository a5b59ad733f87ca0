"""File names made from names a server gives: a database name is data, never a path.

`extract --all-databases` writes one file per database. A real Neo4j forbids `/` in a
database name, but an impersonated or patched server does not: joined onto --output as it
is, `../../escaped/x` or `/abs/x` wrote outside the folder the user chose. So:

- file_stem() writes every character that is not a plain letter, digit, `-`, `_` or `.` as
  `%XX` (its UTF-8 bytes), and `%` itself as `%25`, so the transform is one-to-one and a
  name stays readable (`sales-eu` stays `sales-eu`, `a/b` becomes `a%2Fb`). A leading dot
  (hidden files, `..`), a trailing dot or space (Windows drops them) and the first letter
  of a reserved Windows name (CON, NUL, COM1, ...) are escaped as well. A name too long for
  a file name is cut and ends in a hash of the whole name.
- output_files() refuses two names whose files would be the same on a case-insensitive,
  Unicode-normalising file system (Windows, macOS), before anything is written.
- inside() checks, after resolving links and `..`, that each path lies in the folder.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from .errors import ErrorCode, NeoSenseError

# File names are at most 255 bytes; the atomic write's temp file adds a dot, 8 random
# characters and ".tmp", and the suffix (".markdown" is the longest) comes on top.
MAX_STEM_BYTES = 200
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{kind}{n}" for kind in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)


def _escape(ch: str) -> str:
    return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))


def _keep(ch: str) -> bool:
    """Plain ASCII, or a letter, digit or accent of another script (kept readable): never a
    separator, control, format (bidi) or symbol character."""
    if ch in _PLAIN:
        return True
    return ord(ch) > 0x7F and unicodedata.category(ch)[0] in "LNM"


def file_stem(name: str) -> str:
    """A file name (without suffix) for name: one-to-one, no separator, never hidden,
    never a reserved Windows device name, at most MAX_STEM_BYTES bytes."""
    if not name:
        return "%"  # no name escapes to a lone "%", so this is its own
    parts = [ch if _keep(ch) else _escape(ch) for ch in name]
    if parts[0] == ".":
        parts[0] = _escape(".")
    if parts[-1] == ".":
        parts[-1] = _escape(".")
    stem = "".join(parts)
    if stem.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        stem = _escape(stem[0]) + stem[1:]
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        cut = encoded[: MAX_STEM_BYTES - len(digest) - 1].decode("utf-8", "ignore")
        cut = cut[: cut.rfind("%")] if "%" in cut[-2:] else cut  # no half escape
        stem = f"{cut}~{digest}"
    return stem


def _same_file_key(file_name: str) -> str:
    return unicodedata.normalize("NFC", file_name).casefold()


def output_files(names: list[str], folder: Path, suffix: str) -> dict[str, Path]:
    """The file in folder for each name. Raises NeoSenseError INVALID_INPUT if two names
    would write the same file, or if a file would lie outside folder."""
    files: dict[str, Path] = {}
    owners: dict[str, str] = {}
    for name in names:
        file_name = file_stem(name) + suffix
        key = _same_file_key(file_name)
        if key in owners:
            raise NeoSenseError(
                ErrorCode.INVALID_INPUT,
                f"The databases {owners[key]!r} and {name!r} would be written to the same "
                f"file, {file_name}; nothing was written.",
                suggestions=[
                    "Extract them one at a time with --database and a different --output."
                ],
                context={"databases": [owners[key], name], "file": file_name},
            )
        owners[key] = name
        files[name] = inside(folder, folder / file_name)
    return files


def inside(folder: Path, path: Path) -> Path:
    """path, checked to lie in folder once both are resolved (links, `..`). Raises
    NeoSenseError INVALID_INPUT otherwise; nothing is written."""
    root = folder.resolve()
    resolved = path.resolve()
    if resolved.parent != root:
        raise NeoSenseError(
            ErrorCode.INVALID_INPUT,
            f"{path} would be written outside {folder} (it resolves to {resolved}); "
            "nothing was written there.",
            suggestions=["Choose an --output folder without links in it."],
            context={"path": str(path), "folder": str(folder)},
        )
    return path
