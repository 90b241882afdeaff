"""A review's automatic title reads in the reader's language (issue 19, point 1): triage, an interface
failure and a cluster name a review in English for the record, and each reader sees that name in their
own language; a title a person typed, or edited away from the one shown, stays exactly as typed."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.core.roles import Role
from app.dashboard.models import Cluster
from app.dashboard.operations import handle_cluster
from app.extensions import db
from app.reports.models import Report
from app.reviews.forms import review_values
from app.reviews.models import Review
from app.reviews.operations import ReviewInput, save_review
from app.reviews.titles import (
    BARRIER_TITLE_PREFIX,
    BRIEF,
    FULL,
    PATHWAY,
    cluster_title,
    english_title,
    report_title,
    theme_title,
)
from tests.actions.test_linking import NOW, TODAY
from tests.factories import csrf_from_page, login
from tests.reviews.test_owed_reviews import org, triage, user  # noqa: F401  (org: a fixture)

EACH_TITLE = [
    (report_title(BRIEF, 12), "Brief review of NM-12", "Revisión breve de NM-12"),
    (report_title(FULL, 12), "Full systems review of NM-12", "Revisión completa del sistema de NM-12"),
    (report_title(PATHWAY, 7), "Information pathway of NM-7", "Recorrido de la información de NM-7"),
    (
        theme_title("Medication", "North County"),
        "Barrier review: Medication in North County",
        "Revisión de barreras: Medicación en North County",
    ),
    (
        theme_title("Night-time checks", "North"),  # a category an administrator named: as typed
        "Barrier review: Night-time checks in North",
        "Revisión de barreras: Night-time checks en North",
    ),
    (
        cluster_title(category="Scheduling and staffing", interface=None, region="North", person=""),
        "Cluster: Scheduling and staffing in North",
        "Grupo de casos: Horarios y personal en North",
    ),
    (
        cluster_title(category=None, interface="scheduling_change", region=None, person="P-0A1B2C3D4E"),
        "Cluster: Scheduling change in person P-0A1B2C3D4E",
        "Grupo de casos: Cambio de horario en persona P-0A1B2C3D4E",
    ),
]


@pytest.mark.parametrize(("parts", "english", "spanish"), EACH_TITLE, ids=lambda v: str(v)[:30])
def test_each_automatic_title_in_english_and_in_spanish(ctx, parts, english, spanish):
    review = Review(title=english_title(parts), title_parts=parts)
    assert review.title == review.shown_title == english
    with force_locale("es"):
        assert review.shown_title == spanish
        assert english_title(parts) == english, "the stored text is English whoever is reading"


@pytest.mark.parametrize("parts", [None, {"template": "gone", "report": 1}, {"template": BRIEF}, [], "brief"])
def test_a_typed_title_or_parts_this_version_cannot_write_read_as_stored(ctx, parts):
    review = Review(title="Brief review of the rota changes", title_parts=parts)
    for language in ("en", "es"):
        with force_locale(language):
            assert review.shown_title == "Brief review of the rota changes"


def test_triage_names_the_review_for_the_record_and_each_reader(org, ctx):  # noqa: F811
    ids = [org.report("dsp@x.test"), org.report("dsp@x.test", category="medication")]
    brief = triage(ids[0], "brief_structured_review")
    theme = triage(ids[1], "barrier_review")
    [first] = brief.reviews
    [second] = theme.reviews
    assert (first.title, first.title_parts) == (
        f"Brief review of NM-{brief.id}",
        {"template": "brief", "report": brief.id},
    )
    assert second.title == f"{BARRIER_TITLE_PREFIX}Medication in North"
    assert second.title_parts == {"template": "theme", "category": "Medication", "region": "North"}
    with force_locale("es"):
        assert first.shown_title == f"Revisión breve de NM-{brief.id}"
        assert second.shown_title == "Revisión de barreras: Medicación en North"


def test_an_interface_failure_names_its_pathway_map_in_each_language(app, make, ctx):
    make.user("dsp@x.test", regions=["North"])
    make.user("ops@x.test", roles=[Role.OPERATIONS_LEAD], regions=["North"])
    report_id = make.report("dsp@x.test", interface_tag="handover")
    review = db.session.scalar(select(Review))
    assert review.title == review.shown_title == f"Information pathway of NM-{report_id}"
    with force_locale("es"):
        assert review.shown_title == f"Recorrido de la información de NM-{report_id}"


def test_a_cluster_sent_to_review_is_named_in_each_language(org, ctx):  # noqa: F811
    report = db.session.get(Report, org.report("dsp@x.test", category="scheduling_rota"))
    cluster = Cluster(
        method="local_rule",
        week_start=TODAY,
        cell_key="north-rota",
        region_id=report.region_id,
        category_id=report.category_id,
        observed=1,
        expected=0.2,
        reports=[report],
    )
    db.session.add(cluster)
    db.session.flush()
    handle_cluster(cluster, user("quality@x.test"), action="review")
    review = db.session.get(Review, cluster.review_id)
    assert review.title == "Cluster: Scheduling and staffing in North"
    with force_locale("es"):
        assert review.shown_title == "Grupo de casos: Horarios y personal en North"


def _edit(review: Review, title: str) -> Review:
    return save_review(
        review.owner,
        ReviewInput(kind=review.kind, title=title, reports=list(review.reports)),
        review,
        today=NOW.date(),
    )


def test_saving_the_title_as_shown_keeps_it_automatic(org, ctx):  # noqa: F811
    report = triage(org.report("dsp@x.test"), "brief_structured_review")
    [review] = report.reviews
    parts = dict(review.title_parts)
    with force_locale("es"):
        shown = review_values(review)["title"]
        assert shown == f"Revisión breve de NM-{report.id}", "the form shows it in the reader's language"
        _edit(review, f"  {shown} ")
    assert (review.title, review.title_parts) == (f"Brief review of NM-{report.id}", parts)
    _edit(review, f"Brief review of NM-{report.id}")  # the stored English text, from anyone
    assert review.title_parts == parts


def test_a_title_edited_away_from_the_one_shown_is_kept_as_typed(org, ctx):  # noqa: F811
    report = triage(org.report("dsp@x.test"), "brief_structured_review")
    [review] = report.reviews
    with force_locale("es"):
        _edit(review, "Revisión breve: cambios de horario")
    assert (review.title, review.title_parts) == ("Revisión breve: cambios de horario", None)
    for language in ("en", "es"):
        with force_locale(language):
            assert review.shown_title == "Revisión breve: cambios de horario"
    _edit(review, f"Brief review of NM-{report.id}")  # typed back: still the person's own text
    assert review.title_parts is None


def test_a_new_review_keeps_the_title_typed(org, ctx):  # noqa: F811
    report = db.session.get(Report, org.report("dsp@x.test"))
    review = save_review(
        user("sup@x.test"),
        ReviewInput(
            kind="brief_structured_review", title=f"Brief review of NM-{report.id}", reports=[report]
        ),
        today=NOW.date(),
    )
    assert review.title_parts is None
    with force_locale("es"):
        assert review.shown_title == f"Brief review of NM-{report.id}"


def test_a_spanish_reader_sees_the_title_in_spanish_on_the_review_pages(app, org):  # noqa: F811
    report_id = org.report("dsp@x.test")
    with app.app_context():
        report = triage(report_id, "brief_structured_review")
        review_id = report.reviews[0].id
        user("sup@x.test").language = "es"
        db.session.commit()
    spanish = app.test_client()
    login(spanish, "sup@x.test")
    listed = spanish.get("/reviews").get_data(as_text=True)
    shown = spanish.get(f"/reviews/{review_id}").get_data(as_text=True)
    assert f"R-{review_id} · Revisión breve de NM-{report_id}" in listed
    assert f"<h1>R-{review_id} · Revisión breve de NM-{report_id}</h1>" in shown
    assert "Brief review of" not in listed + shown
    report_page = spanish.get(f"/reports/{report_id}").get_data(as_text=True)
    assert f"R-{review_id} · Revisión breve de NM-{report_id}</a>" in report_page
    assert f"R-{review_id} · Revisión breve de NM-{report_id}" in spanish.get("/work").get_data(as_text=True)
    english = app.test_client()
    login(english, "quality@x.test")
    assert f"R-{review_id} · Brief review of NM-{report_id}" in english.get("/reviews").get_data(as_text=True)


def test_the_edit_form_in_spanish_saved_unchanged_keeps_the_title_automatic(app, org):  # noqa: F811
    report_id = org.report("dsp@x.test")
    with app.app_context():
        review_id = triage(report_id, "brief_structured_review").reviews[0].id
        user("sup@x.test").language = "es"
        db.session.commit()
        values = review_values(db.session.get(Review, review_id))
    client = app.test_client()
    login(client, "sup@x.test")
    page = f"/reviews/{review_id}/edit"
    assert f'value="Revisión breve de NM-{report_id}"' in client.get(page).get_data(as_text=True)
    values.update(
        csrf_token=csrf_from_page(client, page),
        title=f"Revisión breve de NM-{report_id}",
        due_date=(NOW.date() + timedelta(days=7)).isoformat(),
    )
    values = {key: value for key, value in values.items() if value not in (False, None)}
    response = client.post(page, data=values)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    with app.app_context():
        review = db.session.get(Review, review_id)
        assert review.title == f"Brief review of NM-{report_id}"
        assert review.title_parts == {"template": "brief", "report": report_id}


def test_a_long_automatic_title_fits_its_column_and_its_longer_spanish_form_saves_unchanged(org, ctx):  # noqa: F811
    """A 120-character category in a 120-character region: the stored English is shortened to the
    column's 200 characters; the Spanish shown on the form is longer still, and saving the form
    unchanged keeps the automatic title rather than refusing it as too long."""
    report = triage(org.report("dsp@x.test"), "brief_structured_review")
    [review] = report.reviews
    parts = theme_title("C" * 120, "R" * 120)
    review.title, review.title_parts = english_title(parts), parts
    assert len(review.title) == 200 and review.title.endswith("…")
    with force_locale("es"):
        shown = review_values(review)["title"]
        assert len(shown) > 200
        saved = _edit(review, shown)
    assert saved.title_parts == parts and saved.title == english_title(parts)
