"""Rendering evidence packs, in the request (short periods) or as a background job (any period).

The background render stores the finished PDF on a ``PackRender`` row for the person who asked; it is
kept for ``KEEP_RENDERS`` and then deleted (it holds aggregate figures, not health records, but there
is no reason to keep copies).
"""

from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import delete

from app.auth.models import User
from app.core.clock import org_today, org_tz
from app.core.i18n import current_language
from app.core.models import now_utc
from app.core.pdf import PdfRenderError, RenderedPdf, render_pdf
from app.core.roles import PACK_ROLES
from app.dashboard.queries import Scope
from app.extensions import db
from app.jobs.queue import enqueue
from app.jobs.registry import job
from app.packs.builder import build_pack
from app.packs.models import PackRender

PACK_TIMEOUT_SECONDS = 120
KEEP_RENDERS = timedelta(days=7)


def pack_html(scope: Scope, user: User, region_name: str, language: str | None = None) -> str:
    """The oversight pack's HTML for ``scope`` as ``user`` may see it, as of now, its headings and fixed
    texts in ``language`` (the request's when not given)."""
    language = language or current_language()
    with force_locale(language):
        pack = build_pack(scope, user, tz=org_tz(), today=org_today(), now=now_utc(), region_name=region_name)
        page_size = current_app.config["GUIDE_PAGE_SIZE"].title()
        return render_template("pdf/pack.html", pack=pack, page_size=page_size, language=language)


def render_pack_pdf(scope: Scope, user: User, region_name: str, language: str | None = None) -> RenderedPdf:
    """The oversight pack for ``scope`` as ``user`` may see it; PdfRenderError when it cannot be drawn."""
    return render_pdf(pack_html(scope, user, region_name, language), timeout=PACK_TIMEOUT_SECONDS)


def request_render(scope: Scope, user: User, region_name: str) -> PackRender:
    """Queue a background render (run at once when there is no job queue); old renders are cleared. The
    render keeps the language it was asked in, which the job draws the pack in."""
    db.session.execute(delete(PackRender).where(PackRender.created_at < now_utc() - KEEP_RENDERS))
    region_id = next(iter(scope.region_ids)) if scope.region_ids else None
    render = PackRender(
        requested_by_id=user.id,
        first_week=scope.first_week,
        last_week=scope.last_week,
        region_id=region_id,
        region_name=region_name,
        status="queued",
        language=current_language(),
        created_at=now_utc(),
    )
    db.session.add(render)
    db.session.flush()
    enqueue(render_pack, render.id, job_id=f"pack-render-{render.id}", after_commit=True)
    return render


@job
def render_pack(render_id: int) -> str:
    """Draw one requested pack. Idempotent: a render that is already done is left alone; a failed one
    is marked failed (with the reason shown to the requester) and raised, so the queue retries it and
    administrators see it among failed jobs."""
    render = db.session.get(PackRender, render_id)
    if render is None or render.status == "done":
        return "nothing to do"
    user = db.session.get(User, render.requested_by_id)
    if user is None or not user.active or not user.roles & PACK_ROLES:
        # Deactivated, or no longer a manager or quality lead, since asking: draw nothing.
        _fail(render, "The person who asked for this pack may no longer have it.")
        return "refused"
    render.status = "running"
    db.session.commit()
    scope = Scope(
        render.first_week,
        render.last_week,
        frozenset({render.region_id}) if render.region_id is not None else None,
    )
    base_url = current_app.config.get("BASE_URL") or "http://localhost"
    try:
        with current_app.test_request_context(base_url=base_url):
            rendered = render_pack_pdf(scope, user, render.region_name, render.language)
    except PdfRenderError as exc:
        _fail(render, str(exc))
        raise
    except BaseException:
        # A timeout from the queue, a database error, a bug: never leave the page waiting forever.
        _fail(render, "The pack could not be drawn.")
        raise
    render.pdf, render.pages = rendered.data, rendered.pages
    render.status, render.error, render.finished_at = "done", None, now_utc()
    db.session.commit()
    return f"{rendered.pages} pages"


def _fail(render: PackRender, reason: str) -> None:
    db.session.rollback()
    render = db.session.get(PackRender, render.id)
    render.status, render.error, render.finished_at = "failed", reason[:300], now_utc()
    db.session.commit()
