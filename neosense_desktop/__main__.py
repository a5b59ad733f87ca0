"""`neosense-desktop` and `python -m neosense_desktop`.

With a CLI command (probe, extract, export, diff, schema) it runs headless on the core engine;
otherwise it starts the desktop app (optionally opening a report file given as argument).
"""

from __future__ import annotations

import sys

# Kept here, not imported from core.cli, so that starting the GUI does not first pay for
# importing the CLI and the whole driver; tests/core/test_cli_commands.py keeps them equal.
CLI_COMMANDS = ("probe", "extract", "export", "diff", "schema")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # The first word that is not an option decides: `neosense-desktop -v extract ...` is the
    # CLI, `neosense-desktop report.json` the GUI.
    first_word = next((a for a in args if not a.startswith("-")), None)
    if first_word in CLI_COMMANDS or (args and args[0] in ("-h", "--help", "--version")):
        from neosense_desktop.core import cli

        return cli.main(args)
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
