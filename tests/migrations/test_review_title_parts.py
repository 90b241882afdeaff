"""0037 gives the reviews whose English title is one of the app's automatic ones the parts of it, so
they read in each reader's language; a typed title (or one of another kind's pattern) keeps none, and
no title's text changes."""

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select, text

from app.core.roles import Role
from app.extensions import db
from app.reviews.models import Review
from tests.factories import Factory
from tests.migrations.databases import app_on, database_of_its_own, migrate

CATEGORY = (
    "INSERT INTO categories (code, name, description, examples, is_safeguarding, is_stop_the_line, "
    "is_clinical, sort_order, active) VALUES (:code, :name, '', '', false, false, false, 100, true)"
)
REVIEW = (
    "INSERT INTO reviews (kind, title, status, participants, findings, root_pattern, barriers_held, "
    "barriers_failed, pathway_steps, created_by_id, created_at, version) "
    "VALUES (:kind, :title, 'open', '[]', '', '', '', '', '[]', :by, :at, 1)"
)

# kind, stored title, the parts 0037 finds (None: a typed title)
REVIEWS = [
    ("brief_structured_review", "Brief review of NM-12", {"template": "brief", "report": 12}),
    ("full_systems_review", "Full systems review of NM-40", {"template": "full", "report": 40}),
    ("pathway_map", "Information pathway of NM-7", {"template": "pathway", "report": 7}),
    (
        "barrier_review",
        "Barrier review: Medication in North County",
        {"template": "theme", "category": "Medication", "region": "North County"},
    ),
    (
        "barrier_review",  # a category whose own name says " in ": the longest known name wins
        "Barrier review: Falls in the home in South",
        {"template": "theme", "category": "Falls in the home", "region": "South"},
    ),
    (
        "barrier_review",
        "Cluster: Scheduling and staffing in North",
        {
            "template": "cluster",
            "category": "Scheduling and staffing",
            "interface": None,
            "region": "North",
            "person": None,
        },
    ),
    (
        "barrier_review",
        "Cluster: scheduling change in person P-0A1B2C3D4E",
        {
            "template": "cluster",
            "category": None,
            "interface": "scheduling_change",
            "region": None,
            "person": "P-0A1B2C3D4E",
        },
    ),
    ("brief_structured_review", "Brief review of NM-12 and the rota", None),
    ("brief_structured_review", "Full systems review of NM-12", None),  # not this kind's title
    ("barrier_review", "Barrier review: Night shifts in North", None),  # no such category
    ("barrier_review", "Cluster: rota gaps in North", None),
    ("barrier_review", "Riverside medication cluster", None),
]


def test_automatic_titles_get_their_parts_and_typed_ones_stay_typed(tmp_path):
    with database_of_its_own(tmp_path) as url:
        app = app_on(url)
        with app.app_context():
            migrate("upgrade", "0036_browser_language")
            author = Factory(app).user("quality@x.test", roles=[Role.QUALITY_LEAD], regions=[])
            with db.engine.begin() as connection:
                connection.execute(text(CATEGORY), {"code": "falls_home", "name": "Falls in the home"})
                connection.execute(text(CATEGORY), {"code": "falls", "name": "Falls"})
                for kind, title, _parts in REVIEWS:
                    at = datetime(2026, 3, 2, 9)
                    connection.execute(text(REVIEW), {"kind": kind, "title": title, "by": author, "at": at})
            migrate("upgrade", "0037_review_title_parts")
            stored = db.session.scalars(select(Review).order_by(Review.id)).all()
            assert [(r.kind, r.title, r.title_parts) for r in stored] == REVIEWS
            assert [r.version for r in stored] == [1] * len(REVIEWS), "nobody's form goes stale"
            with force_locale("es"):
                assert [r.shown_title for r in stored[:4]] == [
                    "Revisión breve de NM-12",
                    "Revisión completa del sistema de NM-40",
                    "Recorrido de la información de NM-7",
                    "Revisión de barreras: Medicación en North County",
                ]
                assert stored[6].shown_title == "Grupo de casos: Cambio de horario en persona P-0A1B2C3D4E"
                assert stored[-1].shown_title == "Riverside medication cluster"
            db.session.remove()
            migrate("downgrade", "0036_browser_language")
            with db.engine.connect() as connection:
                titles = connection.execute(text("SELECT title FROM reviews ORDER BY id")).scalars().all()
            assert titles == [title for _kind, title, _parts in REVIEWS]
            db.engine.dispose()
