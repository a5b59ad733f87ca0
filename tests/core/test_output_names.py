"""core/output_names: a database name becomes a file name, never a path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neosense_desktop.core.errors import ErrorCode, NeoSenseError
from neosense_desktop.core.output_names import MAX_STEM_BYTES, file_stem, inside, output_files


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("neo4j", "neo4j"),
        ("sales-eu_2.archive", "sales-eu_2.archive"),
        ("Ünïcode日本", "Ünïcode日本"),
        ("../../x", "%2E.%2F..%2Fx"),
        ("/abs/x", "%2Fabs%2Fx"),
        ("a\\b", "a%5Cb"),
        ("nul\x00byte", "nul%00byte"),
        ("\x1b]52;c;x\x07", "%1B%5D52%3Bc%3Bx%07"),
        ("..", "%2E%2E"),
        (".hidden", "%2Ehidden"),
        ("trailing.", "trailing%2E"),
        ("a b", "a%20b"),
        ("CON", "%43ON"),
        ("con.txt", "%63on.txt"),
        ("COM1", "%43OM1"),
        ("lpt¹", "%6Cpt¹"),
        ("%2F", "%252F"),
        ("\u202egnp.exe", "%E2%80%AEgnp.exe"),
        ('a:b*c?d"e<f>g|h', "a%3Ab%2Ac%3Fd%22e%3Cf%3Eg%7Ch"),
        ("", "%"),
    ],
)
def test_file_stem(name: str, stem: str) -> None:
    assert file_stem(name) == stem


def test_a_very_long_name_is_cut_and_told_apart_by_a_hash() -> None:
    a, b = "x" * 5000, "x" * 4999 + "y"
    assert len(file_stem(a).encode()) <= MAX_STEM_BYTES
    assert file_stem(a) != file_stem(b)
    escaped = file_stem("/" * 300)  # the cut never leaves half an escape
    assert len(escaped.encode()) <= MAX_STEM_BYTES
    assert escaped.split("~")[0].endswith("%2F")


@settings(max_examples=500)
@given(st.text(max_size=80), st.text(max_size=80))
def test_file_stems_are_one_to_one_and_never_paths(a: str, b: str) -> None:
    sa, sb = file_stem(a), file_stem(b)
    assert (sa == sb) == (a == b)
    for stem in (sa, sb):
        assert not {"/", "\\", "\x00", ":"} & set(stem)
        assert not stem.startswith(".") and not stem.endswith((".", " "))
        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in stem)
        stem.encode("utf-8")  # no lone surrogate


def test_names_that_would_share_a_file_are_refused(tmp_path: Path) -> None:
    files = output_files(["neo4j", "../x"], tmp_path, ".json")
    assert files == {"neo4j": tmp_path / "neo4j.json", "../x": tmp_path / "%2E.%2Fx.json"}
    for pair in (["Sales", "sales"], ["caf\u00e9", "cafe\u0301"]):  # case; NFC vs NFD
        with pytest.raises(NeoSenseError) as info:
            output_files(pair, tmp_path, ".json")
        assert info.value.code is ErrorCode.INVALID_INPUT
        assert "would be written to the same file" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_resolves_outside_the_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(tmp_path / "elsewhere.json", out / "neo4j.json")
    with pytest.raises(NeoSenseError) as info:
        inside(out, out / "neo4j.json")
    assert info.value.code is ErrorCode.INVALID_INPUT
    assert "outside" in info.value.message
    assert inside(out, out / "other.json") == out / "other.json"
