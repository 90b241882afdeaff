"""The cue-guide benchmark still runs against the code it measures (storage, warm renderer)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_guide_bench_runs():
    pytest.importorskip("weasyprint")
    result = subprocess.run(
        [sys.executable, "-m", "bench.guide_render", "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for row in ("baseline: plain one-page WeasyPrint document", "guide drawn", "guide published"):
        assert row in result.stdout
