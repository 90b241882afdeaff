"""The oversight pack for 12 months of 10,000 reports and 100 actions: seconds and peak memory.

    python -m bench.pack_render [--reports 10000] [--actions 100]

Baseline, in the same run: a plain WeasyPrint document (paragraphs of text) with the same number
of pages, rendered through the same fenced renderer. Reported, for both: wall time (server time for
GET /packs/oversight.pdf), CPU time (the server process and the rendering child together: on a shared
machine the steadier figure) and the rendering process's peak resident memory. The renderer is warmed
up first, as a gunicorn worker does when it starts (its cost is shown on its own line).

Then where the pack's time goes: building it (queries, charts, HTML) against drawing it, and the
drawing split by section - each section of the same HTML drawn on its own in this process, with its
pages and CPU time beside the baseline's CPU time for as many pages (``--no-split`` skips this).
"""

import argparse
import random
import re
import resource
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from app.actions.measure import MeasureFilter
from app.actions.models import Action, Verification
from app.auth.operations import create_user
from app.core.pdf import render_pdf, warm_up
from app.core.roles import Role
from app.extensions import db
from app.taxonomy.models import Region
from bench.common import PASSWORD, bench_app


def populate(app, region_id: int, reports: int, actions: int) -> None:
    rng = random.Random(11)
    now = datetime.now(UTC)
    with app.app_context():
        region = db.session.get(Region, region_id)
        manager = create_user(
            email="manager@x.test", name="Manager", password=PASSWORD, roles=[Role.MANAGER], regions=[region]
        )
        db.session.commit()
        reporter_id = db.session.scalar(text("SELECT id FROM users WHERE email = 'bench@x.test'"))
        rows = []
        for _ in range(reports):
            occurred = now - timedelta(minutes=rng.randint(60, 364 * 24 * 60))
            rows.append(
                {
                    "u": uuid.uuid4().hex,
                    "c": rng.randint(1, 11),
                    "o": occurred.replace(tzinfo=None),
                    "r": region_id,
                    "rep": reporter_id,
                    "p": f"P{rng.randint(1, 400)}" if rng.random() < 0.3 else None,
                    "i": rng.choice([None, None, "handover", "scheduling_change", "plan_update"]),
                }
            )
        db.session.execute(
            text(
                "INSERT INTO reports (client_uuid, content_hash, what_happened, category_id, event_class,"
                " occurred_at, occurred_at_approximate, captured_at, received_at, region_id, person_ref,"
                " still_at_risk, barrier, interface_tag, confidential, reporter_id, status,"
                " safeguarding_restricted) VALUES (:u, 'bench', 'Benchmark', :c, 'near_miss', :o, 0, :o, :o,"
                " :r, :p, 0, 'Checked', :i, 0, :rep, 'triaged', 0)"
            ),
            rows,
        )
        today = date.today()
        for n in range(actions):
            start = today - timedelta(days=rng.randint(40, 330))
            action = Action(
                title=f"Action {n + 1}: a change to the way visits are planned",
                change="Benchmark change",
                owner_id=manager.id,
                due_date=start,
                strength=rng.choice(["strong", "intermediate", "weak"]),
                status="done",
                window_start=start,
                window_end=start + timedelta(days=28),
                measure=MeasureFilter(category_ids=(rng.randint(1, 11),)).to_json(),
                baseline_count=10,
                target_reduction_percent=50,
                created_by_id=manager.id,
                created_at=datetime.combine(start - timedelta(days=10), datetime.min.time(), tzinfo=UTC),
                completed_at=datetime.combine(start, datetime.min.time(), tzinfo=UTC),
            )
            db.session.add(action)
            if n % 3 == 0:
                action.status = "effective"
                db.session.add(
                    Verification(
                        action=action,
                        window_start=start,
                        window_end=start + timedelta(days=28),
                        before_count=12,
                        before_days=56,
                        after_count=3,
                        after_days=28,
                        rate_ratio=0.5,
                        ci_low=0.14,
                        ci_high=1.77,
                        target_met=True,
                        verdict="effective",
                        verifier_id=reporter_id,
                    )
                )
        db.session.commit()


def baseline_html(pages: int) -> str:
    """``pages`` pages of plain paragraphs, one section a page."""
    section = "<section>" + "<p>Plain text for a page of the baseline document, line after line.</p>" * 30
    style = "<style>section + section { break-before: page; } p { margin: 0 0 2mm; }</style>"
    return f'<html lang="en"><head>{style}</head><body>{(section + "</section>") * pages}</body></html>'


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the renders it forked)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action):
    """``action()``, with its wall and CPU seconds."""
    cpu, wall = cpu_seconds(), time.perf_counter()
    result = action()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def sections_of(html: str) -> list[tuple[str, str]]:
    """The pack's HTML cut into documents of one section each (same head and style): (name, html)."""
    head, body = html.split("<body>", 1)
    body = body.rsplit("</body>", 1)[0]
    documents = []
    for part in re.split(r"(?=<section)", body):
        heading = re.search(r"<h2>(.*?)</h2>", part)
        name = heading.group(1) if heading else "cover"
        documents.append((name, f"{head}<body>{part}</body></html>"))
    return documents


def draw_cpu(html: str) -> tuple[int, float]:
    """Pages and CPU seconds of drawing ``html`` in this process (WeasyPrint warm)."""
    from weasyprint import HTML

    started = time.process_time()
    document = HTML(string=html).render()
    document.write_pdf()
    return len(document.pages), time.process_time() - started


def print_split(html: str, build: tuple[float, float], draw: tuple[float, float]) -> None:
    print("\nWhere the pack's time goes (wall s / CPU s):")
    print(f"  building it (queries, charts, HTML)  {build[0]:.2f} / {build[1]:.2f}")
    print(f"  drawing it (fork and WeasyPrint)     {draw[0]:.2f} / {draw[1]:.2f}")
    _, per_page = draw_cpu(baseline_html(10))
    per_page /= 10
    print("\nDrawing, section by section (each alone, in this process; CPU s):\n")
    header = f"{'section':<52}{'pages':>6}{'CPU s':>8}{'per page':>10}{'x plain page':>14}"
    print(header)
    print("-" * len(header))
    for name, document in sections_of(html):
        pages, cpu = draw_cpu(document)
        print(f"{name[:50]:<52}{pages:>6}{cpu:>8.2f}{cpu / pages:>10.3f}{cpu / pages / per_page:>13.1f}x")
    print(f"{'plain text (the baseline), per page':<52}{'':>6}{'':>8}{per_page:>10.3f}{1:>13.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=100)
    parser.add_argument("--no-split", action="store_true", help="skip the section-by-section split")
    args = parser.parse_args()
    app, region_id = bench_app()
    populate(app, region_id, args.reports, args.actions)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"email": "manager@x.test", "password": PASSWORD, "csrf_token": token})
    _, *warming = timed(warm_up)  # as a gunicorn worker does when it starts

    import app.packs.rendering as pack_rendering

    seen = {}
    original = pack_rendering.render_pdf

    def measuring(html, **kwargs):
        seen["html"], seen["asked"] = html, (time.perf_counter(), cpu_seconds())
        rendered, wall, cpu = timed(lambda: original(html, **kwargs))
        seen["pages"], seen["peak_kb"], seen["draw"] = rendered.pages, rendered.peak_kb, (wall, cpu)
        return rendered

    pack_rendering.render_pdf = measuring
    started = (time.perf_counter(), cpu_seconds())
    response, pack_wall, pack_cpu = timed(lambda: client.get("/packs/oversight.pdf"))
    assert response.status_code == 200, response.status_code
    build = (seen["asked"][0] - started[0], seen["asked"][1] - started[1])

    baseline, base_wall, base_cpu = timed(lambda: render_pdf(baseline_html(seen["pages"]), timeout=300))

    print(f"\nEvidence pack: {args.reports:,} reports over 12 months, {args.actions} actions, SQLite\n")
    header = (
        f"{'document':<44}{'pages':>7}{'seconds':>10}{'CPU s':>8}{'peak MB':>10}"
        f"{'x baseline':>12}{'x CPU':>8}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'baseline: plain WeasyPrint text document':<44}{baseline.pages:>7}{base_wall:>10.2f}"
        f"{base_cpu:>8.2f}{baseline.peak_kb / 1024:>10.0f}{1:>11.2f}x{1:>7.2f}x"
    )
    print(
        f"{'GET /packs/oversight.pdf (server time)':<44}{seen['pages']:>7}{pack_wall:>10.2f}{pack_cpu:>8.2f}"
        f"{seen['peak_kb'] / 1024:>10.0f}{pack_wall / base_wall:>11.2f}x{pack_cpu / base_cpu:>7.2f}x"
    )
    print(f"\nRenderer warm-up, once per server process: {warming[0]:.2f} s wall, {warming[1]:.2f} s CPU")
    if not args.no_split:
        print_split(seen["html"], build, seen["draw"])


if __name__ == "__main__":
    main()
