"""The benchmark suite at small scale, as a correctness test (issue 7): 200 synthetic
documents in every layout are generated, loaded with `etl load`, reloaded and queried, and
the loaded counts must equal the generator's ground truth. Timings are reported, not
asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmark_matches_ground_truth(tmp_path: Path) -> None:
    report = tmp_path / "quick.md"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--quick",
            "--no-pandas",
            "--runs",
            "2",
            "--work",
            str(tmp_path),
            "--out",
            str(report),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "| loaded counts = manifest ground truth | yes |" in text
    assert "200 documents" in text


def test_regenerating_the_report_keeps_the_hand_written_sections(tmp_path: Path) -> None:
    from benchmarks import report

    legacy = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    if report.END in legacy:
        kept = report.hand_written(legacy)
    else:  # written before the markers: the sections after the generated "## Notes"
        kept = report.hand_written(legacy)
        assert kept.lstrip().startswith("## ")
        assert "## Notes" not in kept
    first = report.wrap("# Benchmarks\n\n## Notes\n\n- generated\n") + kept
    again = report.wrap("# Benchmarks\n\n## Notes\n\n- regenerated\n") + report.hand_written(first)
    assert again.count(report.BEGIN) == again.count(report.END) == 1
    assert "- regenerated" in again and "- generated\n" not in again
    assert again.endswith(kept.lstrip("\n"))
    assert report.hand_written(again) == report.hand_written(first)  # no blank line added
    manual = first + "\n## Measured by hand\n\nkept too\n"
    assert report.hand_written(manual).endswith("## Measured by hand\n\nkept too\n")
    assert report.hand_written("# Benchmarks\n\n## Notes\n\n- only generated\n") == ""
