"""core/terminal_text.printable: no control byte from a name reaches a terminal."""

from __future__ import annotations

import pytest

from neosense_desktop.core.terminal_text import printable


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Person", "Person"),
        ("a b;c|<d>`e`", "a b;c|<d>`e`"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),  # OSC 52: writes the clipboard
        ("\x1b]0;pwned\x1b\\", "\\x1b]0;pwned\\x1b\\"),  # retitles the terminal
        ("\x1b[2J", "\\x1b[2J"),  # clears the screen
        ("a\x9bb", "a\\x9bb"),  # C1 CSI
        ("del\x7f", "del\\x7f"),
        ("tab\tnew\nline\r", "tab\\x09new\\x0aline\\x0d"),
        ("\ud800x", "\\ud800x"),  # a lone surrogate from a JSON file
        ("日本語 ‮gnp.exe", "日本語 \\u202egnp.exe"),  # bidi override spoofs "exe.png"
        ("⁧iso⁩", "\\u2067iso\\u2069"),
    ],
)
def test_control_characters_are_shown_as_escapes(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_keep_newlines_keeps_only_newlines() -> None:
    assert printable("one\ntwo\x1b", keep_newlines=True) == "one\ntwo\\x1b"


def test_the_result_encodes_in_any_terminal_encoding() -> None:
    every_code_point = "".join(chr(c) for c in range(0xE000))
    shown = printable(every_code_point)
    shown.encode("utf-8")  # a surrogate left in would raise UnicodeEncodeError
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in shown)


def test_printable_json_escapes_what_json_writers_leave_raw() -> None:
    import json

    from neosense_desktop.core.terminal_text import printable_json

    value = {"name": "a\x9b31m\u202egnp\x7f\x1b]52;c;x\x07 日本", "list": [1, "\n"]}
    written = json.dumps(value, ensure_ascii=False, indent=2)
    assert "\x9b" in written and "\u202e" in written  # json.dumps leaves these raw
    shown = printable_json(written)
    assert json.loads(shown) == value  # the same data for a parser
    assert printable(shown, keep_newlines=True) == shown  # nothing for a terminal
    assert "日本" in shown and shown.count("\n") == written.count("\n")
