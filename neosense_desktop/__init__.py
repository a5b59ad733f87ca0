"""NeoSense Desktop: see what is inside a Neo4j database."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("neosense-desktop")
except _metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.1.0"

APP_NAME = "NeoSense"
APP_ID = "neosense-desktop"
