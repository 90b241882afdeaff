"""Template filters: times are stored in UTC and shown in the organisation's time zone."""

from zoneinfo import ZoneInfo

from app.core.durations import format_duration
from app.core.roles import Role


def register(app) -> None:
    tz = ZoneInfo(app.config["ORG_TIMEZONE"])

    @app.template_filter("local")
    def local_time(value, fmt="%d %b %Y, %H:%M"):
        if value is None:
            return ""
        return value.astimezone(tz).strftime(fmt)

    app.add_template_filter(format_duration, "duration")

    @app.context_processor
    def _globals():
        return {"org_name": app.config["ORG_NAME"], "Role": Role}
