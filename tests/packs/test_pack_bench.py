"""The evidence-pack benchmark still runs against the code it measures (it hooks the PDF renderer)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_pack_bench_runs_on_a_small_pack():
    pytest.importorskip("weasyprint")
    result = subprocess.run(
        [sys.executable, "-m", "bench.pack_render", "--reports", "60", "--actions", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "GET /packs/oversight.pdf (server time)" in result.stdout
