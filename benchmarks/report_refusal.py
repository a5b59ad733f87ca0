"""How fast, and in how much memory, a crafted report file near the size cap is refused;
and how large the largest real report is.

    .venv/bin/python -m benchmarks.report_refusal [--json-out FILE]

Each crafted file (the shapes of tests/core/test_report_limits.py, each just under the
cap) is opened by load_report in a fresh child process, which reports the wall time of the
refusal and its peak RSS (VmHWM: the whole interpreter, pydantic and the file's bytes
included). Targets: under 2 s and under 300 MB each. The largest real reports are the UI
benchmark's 2,000-label x 50-property report, and the same graph with two quality findings
per property, a plan item and a label combination per label (the worst real case).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and
    exec, so a child would report the parent's peak (the large reports built above)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(path: str) -> None:
    from neosense_desktop.core.errors import NeoSenseError
    from neosense_desktop.core.export import load_report

    t0 = time.perf_counter()
    try:
        load_report(path)
        outcome = "opened"
    except NeoSenseError as exc:
        outcome = f"refused ({exc.context.get('limit', exc.code.value)})"
    elapsed = time.perf_counter() - t0
    peak_mb = _peak_rss_mb()
    print(
        json.dumps(
            {"seconds": round(elapsed, 3), "peak_rss_mb": round(peak_mb, 1), "outcome": outcome}
        )
    )


def _worst_real_report() -> Any:
    from neosense_desktop.core.report import Finding, LabelCombination, PlanItem, Severity
    from tests.ui.report_factory import make_report

    report = make_report(labels=2000, properties=50, types=40)
    for label in report.labels:
        report.plan.append(
            PlanItem(
                activity="node_labels",
                subject=label.name,
                method="exact",
                estimated_rows=label.count,
                reason="below the exact threshold",
            )
        )
        report.label_combinations.append(LabelCombination(labels=[label.name], count=label.count))
        for prop in label.properties:
            subject = f"(:{label.name}).{prop.name}"
            report.quality.findings += [
                Finding(
                    code="mixed_type_property",
                    severity=Severity.WARNING,
                    subject=subject,
                    message=f"{prop.name} holds values of 2 types in a sample of 1000: "
                    "INTEGER, STRING.",
                ),
                Finding(
                    code="sparse_property",
                    severity=Severity.INFO,
                    subject=subject,
                    message=f"{prop.name} is set on 3.2% of (:{label.name}) in a sample of 1000.",
                ),
            ]
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0

    from neosense_desktop.core.export import report_to_json
    from neosense_desktop.core.report_limits import DEFAULT_LIMITS, check_report_bytes
    from tests.core.test_report_limits import CRAFTED
    from tests.ui.report_factory import make_report

    result: dict[str, Any] = {"cap_bytes": DEFAULT_LIMITS.max_bytes, "crafted": {}, "real": {}}
    for name, report in (
        ("2000x50", make_report(labels=2000, properties=50, types=40)),
        ("2000x50 worst", _worst_real_report()),
    ):
        raw = report_to_json(report).encode("utf-8")
        check_report_bytes(raw, name)  # the real reports must fit every limit
        result["real"][name] = {"bytes": len(raw), "mib": round(len(raw) / 2**20, 1)}
        print(f"real report {name}: {len(raw):,} bytes ({len(raw) / 2**20:.1f} MiB)", flush=True)
    with tempfile.TemporaryDirectory(prefix="neosense-refusal-") as tmp:
        for name, (make, _limit) in sorted(CRAFTED.items()):
            path = Path(tmp) / "crafted.json"
            path.write_bytes(make())
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.report_refusal", "--child", str(path)],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=600,
                env=dict(os.environ, PYTHONHASHSEED="0"),
            )
            if proc.returncode != 0:
                raise SystemExit(f"{name}: child failed: {proc.stderr[-2000:]}")
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            row["bytes"] = path.stat().st_size
            result["crafted"][name] = row
            print(
                f"{name:22} {row['bytes'] / 2**20:6.1f} MiB  {row['seconds']:6.3f} s  "
                f"peak {row['peak_rss_mb']:6.1f} MB  {row['outcome']}",
                flush=True,
            )
    worst_s = max(r["seconds"] for r in result["crafted"].values())
    worst_mb = max(r["peak_rss_mb"] for r in result["crafted"].values())
    print(
        f"slowest refusal {worst_s:.3f} s, highest peak {worst_mb:.1f} MB "
        f"(targets: < 2 s, < 300 MB)"
    )
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
