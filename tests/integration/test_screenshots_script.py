"""scripts/screenshots --gallery-only: every picture in a gallery page, names escaped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.neo4j_support import REPO

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_the_gallery_lists_every_picture_with_its_name_escaped(tmp_path: Path) -> None:
    source = tmp_path / "artifacts"
    (source / "journeys").mkdir(parents=True)
    (source / "main-window.png").write_bytes(PNG)
    (source / "journeys" / "a <b>&x.png").write_bytes(PNG)
    (source / "notes.txt").write_text("not a picture")
    out = tmp_path / "gallery"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "screenshots"),
            "--gallery-only",
            "--source",
            str(source),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "NeoSense screenshots (2)" in page
    assert "<figcaption>A &lt;b&gt;&amp;x<br>" in page
    assert 'src="journeys_a%20%3Cb%3E%26x.png"' in page
    assert "<b>&x" not in page
    assert (out / "journeys_a <b>&x.png").read_bytes() == PNG
    assert (out / "main-window.png").exists()
