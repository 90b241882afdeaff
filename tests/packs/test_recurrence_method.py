"""The pack's method notes say what "similar" means and how recurrence is proposed (issue 16), with
the settings in force."""

import io
from datetime import timedelta

from pypdf import PdfReader

from app.core.roles import Role
from app.core.settings import set_setting
from app.extensions import db
from tests.factories import login


def test_the_method_notes_define_similar_with_the_settings_in_force(app, make, org_day):
    make.user("manager@x.test", roles=[Role.MANAGER], regions=[])
    with app.app_context():
        set_setting("recurrence_repeat_days", 60, actor=None)
        set_setting("recurrence_cluster_size", 4, actor=None)
        db.session.commit()
    client = app.test_client()
    login(client, "manager@x.test")
    period = {"from": str(org_day - timedelta(weeks=4)), "to": str(org_day - timedelta(days=1))}
    response = client.get("/packs/oversight.pdf", query_string=period)
    assert response.status_code == 200
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Recurrence: what “similar” means" in text
    assert "within 60 days either side of when it happened" in text
    assert "the WordLlama cosine of the two texts is at least 0.35" in text
    assert (
        "it concerns the same person" in text and "shares the category, the location or the program" in text
    )
    assert "against the 12 weeks before, with Benjamini\N{EN DASH}Hochberg control at 10%" in text
    assert "the local rule (4 or more reports of one category" in text
