"""Human-readable durations for clocks on a tablet."""

from datetime import timedelta


def format_duration(delta: timedelta) -> str:
    """'2 h 05 min', '45 min', '3 d 4 h'."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"
