"""Reports for people and machines: one module per format, each rendering a Report to text.

json      the report itself (core.export), for NeoSense and other tools
html      one self-contained page to read, mail or upload (formats.html)
markdown  the same content for wikis and git (formats.markdown)
llm       the schema as LangChain / neo4j-graphrag print it for prompts (formats.llm)
cypher    a script that re-creates the indexes and constraints (formats.cypher)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..export import atomic_write_text, report_to_json
from ..report import Report
from .cypher import render_cypher
from .html import render_html
from .llm import render_llm
from .markdown import render_markdown

RENDERERS: dict[str, Callable[[Report], str]] = {
    "json": report_to_json,
    "html": render_html,
    "markdown": render_markdown,
    "llm": render_llm,
    "cypher": render_cypher,
}
FORMATS = tuple(RENDERERS)
SUFFIXES = {"json": ".json", "html": ".html", "markdown": ".md", "llm": ".txt", "cypher": ".cypher"}


def render(report: Report, fmt: str) -> str:
    """The report as text in a format of FORMATS (ValueError for another name)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}") from None
    return renderer(report)


def save_as(report: Report, path: Path | str, fmt: str) -> Path:
    """Render and write atomically. Raises NeoSenseError FILE_WRITE_FAILED."""
    target = Path(path)
    atomic_write_text(target, render(report, fmt))
    return target
