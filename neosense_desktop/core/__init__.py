"""The engine: settings, profiles, secrets, errors, graph client, extraction, reports, CLI.

Nothing in this package imports Qt (tests/core/test_no_qt.py enforces it), so every piece
runs and is tested on a plain asyncio loop and serves the GUI and the CLI alike.
"""
