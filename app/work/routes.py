from flask import render_template
from flask_login import current_user, login_required

from app.core.clock import org_tz
from app.core.models import now_utc
from app.work import bp
from app.work.queries import work_for


@bp.get("/work")
@login_required
def index():
    """My work: the landing page of every role but the DSP's."""
    now = now_utc()
    return render_template("work/index.html", work=work_for(current_user, now, org_tz()), now=now)
