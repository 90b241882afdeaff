"""Issue 17, point 6: a DSP with no signal who says someone is still at risk is shown whom to phone:
the on-call supervisor's name and a tel: link, from the rota the cached form carries."""

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.core.models import now_utc
from app.core.roles import Role
from app.escalations.on_call import ShiftInput, add_shift
from app.extensions import db
from tests.e2e.conftest import sign_in
from tests.e2e.journeys import file_report, wait_for_service_worker
from tests.factories import PASSWORD


def test_offline_still_at_risk_shows_the_on_call_number(app, make, live_server, phone, artifacts):
    make.user("dsp@x.test", regions=["North"])
    make.user("sup@x.test", roles=[Role.SUPERVISOR], regions=["North"])
    with app.app_context():
        sup = db.session.scalar(select(User).where(User.email == "sup@x.test"))
        now = now_utc()
        add_shift(
            sup,
            ShiftInput(
                sorted(sup.region_ids)[0],
                sup.id,
                "+1 555 010 2000",
                now - timedelta(hours=1),
                now + timedelta(hours=11),
            ),
        )
        db.session.commit()
    sign_in(phone, live_server, "dsp@x.test", PASSWORD)
    wait_for_service_worker(phone)
    phone.context.set_offline(True)
    phone.reload()
    file_report(phone, "Client dizzy and alone, carer late", at_risk=True)
    notice = phone.locator("#form-notice")
    assert "Saved on this phone" in notice.inner_text()
    call = notice.locator("a[href^='tel:']")
    assert call.get_attribute("href") == "tel:+15550102000"
    assert call.inner_text() == "Call Sup (on call): +1 555 010 2000"
    phone.screenshot(path=str(artifacts / "offline-still-at-risk-on-call-phone.png"))
