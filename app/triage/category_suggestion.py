"""The capture form's category suggestion for the organisation: its active categories and its most
recent categorised reports, scored by ``app.triage.category_scorer``.

The scorer is built once and kept (per process) until a report arrives, a report's category changes
or a category is edited: each request reads only the ids and categories of the last
``REPORTS_CONSIDERED`` reports and the active categories to know whether the kept one still fits.
Only a category comes out, never anything of the reports it was built from.
"""

import hashlib
import threading

from sqlalchemy import select

from app.extensions import db
from app.reports.models import Report
from app.taxonomy.models import Category
from app.taxonomy.queries import active_categories
from app.triage import similarity
from app.triage.category_scorer import CategoryCard, CategoryScorer, Suggestion

REPORTS_CONSIDERED = 1000

_lock = threading.Lock()
_kept: dict = {"key": None, "scorer": None}


def _cards() -> list[CategoryCard]:
    return [
        CategoryCard(code=c.code, label=c.name, description=c.description or "", examples=c.examples or "")
        for c in active_categories()
    ]


def _recent_reports():
    statement = select(Report.id, Report.category_id).order_by(Report.id.desc()).limit(REPORTS_CONSIDERED)
    return list(db.session.execute(statement))


def _key(cards, recent) -> str:
    digest = hashlib.sha256(str(db.engine.url).encode())
    digest.update(repr([(card.code, card.text) for card in cards]).encode())
    digest.update(repr([tuple(row) for row in recent]).encode())
    return digest.hexdigest()


def _build(cards) -> CategoryScorer:
    statement = (
        select(Report.what_happened, Category.code)
        .join(Category, Report.category_id == Category.id)
        .order_by(Report.id.desc())
        .limit(REPORTS_CONSIDERED)
    )
    rows = db.session.execute(statement).all()
    texts = [row.what_happened for row in rows]
    codes = [row.code for row in rows]
    return CategoryScorer(
        cards, similarity.embed([card.text for card in cards]), similarity.embed(texts), codes
    )


def current_scorer() -> CategoryScorer:
    """The scorer for the organisation as it is now (kept between requests while nothing changed)."""
    cards = _cards()
    recent = _recent_reports()
    key = _key(cards, recent)
    with _lock:
        if _kept["key"] != key:
            _kept["scorer"] = _build(cards)
            _kept["key"] = key
        return _kept["scorer"]


def forget_kept_scorer() -> None:
    """Drop the kept scorer (a test that builds a new organisation under the same ids)."""
    with _lock:
        _kept["key"] = _kept["scorer"] = None


def suggest_category(text: str) -> Suggestion | None:
    """The likely category of ``text``, or None when the scorer is not confident enough."""
    return current_scorer().suggest(similarity.embed([text])[0])
