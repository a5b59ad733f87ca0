"""`neosense-desktop` and `python -m neosense_desktop`.

With a CLI command (probe, extract, export, diff, check, schema) it runs headless on the core
engine. With no argument, or a report file, it starts the desktop app (opening the report).
Any other word is refused as an unknown command, with the list of commands, exit code 2: a
typo in a CI script must not start a window (which, without a display, aborts).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Kept here, not imported from core.cli, so that starting the GUI does not first pay for
# importing the CLI and the whole driver; tests/core/test_cli_commands.py keeps them equal.
CLI_COMMANDS = ("probe", "extract", "export", "diff", "check", "schema")
EXIT_UNKNOWN_COMMAND = 2
# Qt's own command-line options that take a value (`-platform offscreen`): the value is not
# a command or a report.
_QT_OPTIONS_WITH_VALUE = frozenset(
    {
        "-platform",
        "-platformpluginpath",
        "-platformtheme",
        "-plugin",
        "-style",
        "-stylesheet",
        "-display",
        "-geometry",
        "-qwindowgeometry",
        "-qwindowicon",
        "-qwindowtitle",
        "-title",
        "-session",
        "-name",
    }
)


def _first_word(args: list[str]) -> str | None:
    """The first argument that is neither an option nor the value of a Qt option."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in _QT_OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _names_a_report(word: str) -> bool:
    """A word the window may open as a report: a .json name, a path, or a file that exists
    (the window says what is wrong with it if it cannot be read)."""
    path = Path(word)
    return path.suffix.lower() == ".json" or "/" in word or os.sep in word or path.exists()


def _refuse_unknown_command(word: str) -> int:
    from neosense_desktop.core.terminal_text import printable

    print(
        f"neosense-desktop: unknown command '{printable(word)}'.\n"
        f"Commands: {', '.join(CLI_COMMANDS)}.\n"
        "Run `neosense-desktop COMMAND --help` for a command's options, or with no argument "
        "(or a report file) to open the window.",
        file=sys.stderr,
    )
    return EXIT_UNKNOWN_COMMAND


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # The first word that is not an option decides: `neosense-desktop -v extract ...` is the
    # CLI, `neosense-desktop report.json` the GUI.
    first_word = _first_word(args)
    if first_word in CLI_COMMANDS or (args and args[0] in ("-h", "--help", "--version")):
        from neosense_desktop.core import cli

        return cli.main(args)
    if first_word is not None and not _names_a_report(first_word):
        return _refuse_unknown_command(first_word)
    import importlib

    if "--self-test" in args:  # before app: self_test builds its window through app
        try:
            self_test = importlib.import_module("neosense_desktop.ui.self_test")
        except ImportError as exc:
            print(f"self-test unavailable: {exc}", file=sys.stderr)
            return 2
        return int(self_test.run_self_test())
    try:
        app = importlib.import_module("neosense_desktop.app")
    except ImportError as exc:  # the GUI is optional for headless use
        print(f"The desktop app cannot start: {exc}", file=sys.stderr)
        return 2
    return int(app.main(args))


if __name__ == "__main__":
    sys.exit(main())
