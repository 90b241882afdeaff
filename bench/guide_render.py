"""The one-page cue guide, GET /guides/<role>.pdf: drawn, and served for a published version.

    python -m bench.guide_render [--runs 7]

Baseline, in the same run: a plain one-page WeasyPrint document (a heading and paragraphs) drawn by
a process that has imported WeasyPrint already - the least a one-page PDF costs here (a process of
its own, so the server's renderer is measured as the app leaves it). Reported: the median over the
runs of the wall time and of the CPU time (this process and the rendering child together), for

- the baseline;
- the guide drawn: its stored PDFs deleted before each request, so the request forks a render;
- the guide published: the stored PDF of the published version served.

Targets (issue 18): drawn at most 0.3 s, published at most 50 ms. The server here is the app in this
process through Flask's test client (no network), SQLite. Shown on its own: the renderer's warm-up
(WeasyPrint's import and font set-up, once per server process).
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from sqlalchemy import delete

from app.auth.operations import create_user
from app.core.pdf import warm_up
from app.core.roles import Role
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES
from app.guides.models import GuidePdf
from app.guides.operations import save_guide
from app.taxonomy.models import Region
from bench.common import PASSWORD, bench_app

PLAIN_PAGE = (
    "<html><body><h1>A plain page</h1>"
    + "<p>Plain text for a page of the baseline document, line after line.</p>" * 20
    + "</body></html>"
)


BASELINE_SCRIPT = """
import json, resource, sys, time
from weasyprint import HTML
html, runs = sys.argv[1], int(sys.argv[2])
HTML(string=html).write_pdf()
times = []
for _ in range(runs):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu, wall = usage.ru_utime + usage.ru_stime, time.perf_counter()
    HTML(string=html).write_pdf()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    times.append((time.perf_counter() - wall, usage.ru_utime + usage.ru_stime - cpu))
print(json.dumps(times))
"""


def baseline_runs(runs: int) -> list[tuple[float, float]]:
    """The plain page drawn ``runs`` times in a process of its own that has imported WeasyPrint (so
    the server process's renderer is left as the app leaves it)."""
    result = subprocess.run(
        [sys.executable, "-c", BASELINE_SCRIPT, PLAIN_PAGE, str(runs)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return [tuple(pair) for pair in json.loads(result.stdout)]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the renders it forked)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action) -> tuple[float, float]:
    cpu, wall = cpu_seconds(), time.perf_counter()
    action()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app, region_id = bench_app()
    warming = timed(warm_up)  # once per server process (gunicorn: as each worker starts)
    with app.test_request_context():
        region = db.session.get(Region, region_id)
        trainer = create_user(
            email="trainer@x.test", name="Trainer", password=PASSWORD, roles=[Role.TRAINER], regions=[region]
        )
        content = dict(DEFAULT_GUIDES["dsp"], title="Near-miss cues for direct support professionals, v2")
        save_guide("dsp", content, actor=trainer, publish=True)
        db.session.commit()
    client = signed_in(app, "bench@x.test")
    url = "/guides/dsp.pdf?size=letter"

    def download():
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf", response.status_code

    def forget_stored():
        with app.app_context():
            db.session.execute(delete(GuidePdf))
            db.session.commit()

    forget_stored()
    rows = {"baseline": baseline_runs(args.runs), "drawn": [], "published": []}
    for _ in range(args.runs):
        forget_stored()
        rows["drawn"].append(timed(download))
        rows["published"].append(timed(download))  # the PDF the drawn request just stored

    base_wall = statistics.median(w for w, _ in rows["baseline"])
    base_cpu = statistics.median(c for _, c in rows["baseline"])
    print(f"\nOne-page cue guide, GET {url}: median of {args.runs} runs (SQLite, test client)\n")
    header = f"{'what':<48}{'wall ms':>9}{'CPU ms':>9}{'x baseline':>12}{'target':>10}{'met':>6}"
    print(header)
    print("-" * len(header))
    print(
        f"{'baseline: plain one-page WeasyPrint document':<48}{base_wall * 1e3:>9.0f}{base_cpu * 1e3:>9.0f}"
        f"{1:>11.2f}x{'':>10}{'':>6}"
    )
    for name, label, target in (
        ("drawn", "guide drawn (nothing stored)", 0.3),
        ("published", "guide published (stored PDF served)", 0.05),
    ):
        wall = statistics.median(w for w, _ in rows[name])
        cpu = statistics.median(c for _, c in rows[name])
        print(
            f"{label:<48}{wall * 1e3:>9.0f}{cpu * 1e3:>9.0f}{wall / base_wall:>11.2f}x"
            f"{f'<= {target * 1e3:.0f}':>10}{'yes' if wall <= target else 'no':>6}"
        )
    print(
        f"\nRenderer warm-up, once per server process: {warming[0] * 1e3:.0f} ms wall, "
        f"{warming[1] * 1e3:.0f} ms CPU"
    )


if __name__ == "__main__":
    main()
