"""The load bench still runs against the code it measures: a tiny load on PostgreSQL, end to end -
both gunicorn servers, the table, the CPU split, the batches of 1, 5 and 25, and the check that every
acknowledged report is stored once. (Its figures are not asserted: timed assertions do not belong in
the suite.)"""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]


def test_submission_bench_runs_on_a_tiny_load(app):
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() != "postgresql":
        pytest.skip("the load bench runs on PostgreSQL")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.submission_load",
            "--clients",
            "2,4",
            "--seconds",
            "1",
            "--max-requests",
            "40",
            "--workers",
            "1",
            "--threads",
            "2",
            "--load-processes",
            "1",
            "--database",
            database.render_as_string(hide_password=False),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "Where each acknowledged request's CPU went" in out
    assert " 0 duplicated" in out and "non-2xx answers: none" in out
    assert "Reports per second with POST /api/v1/reports/batch" in out
    rows = [line for line in out.splitlines() if line.strip().startswith(("2 |", "4 |"))]
    assert len(rows) == 6, out  # requests, CPU split, and reports per second in batches
