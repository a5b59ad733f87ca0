"""NeoSense Desktop: see what is inside a Neo4j database."""

# A literal, not importlib.metadata: reading the installed metadata cost 14 ms of the
# window's cold start (issue 16). tests/core/test_version.py keeps it equal to
# pyproject.toml's version and to the installed package's metadata.
__version__ = "0.1.0"

APP_NAME = "NeoSense"
APP_ID = "neosense-desktop"
