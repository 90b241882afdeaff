"""A pinned "now" for the tests whose meaning depends on the date.

A test that asks for ``frozen_now`` (or ``org_day``) runs with the wall clock moved to one instant by
time-machine: the app (``now_utc``, ``org_today``), the factories and the live server's thread all see
it. Such tests are marked ``clock`` automatically, so ``-m clock`` selects every one of them.

The instant is ``NEARMISS_TEST_NOW`` (ISO 8601 with an offset, e.g. ``2026-11-29T23:30-05:00``) when it
is set, otherwise ``DEFAULT_NOW``. Several instants, separated by commas, run each clock test once per
instant (the instant is in the test's id). ``.ci/awkward-dates`` runs the marked tests at the awkward
ones: a Monday just after midnight UTC, a Sunday night in the organisation's zone, New Year, the
daylight-saving changes.
"""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

ENVIRONMENT_VARIABLE = "NEARMISS_TEST_NOW"
# A plain Wednesday afternoon: far from midnight, a week's end, a year's end and a daylight-saving change.
DEFAULT_NOW = "2026-06-17T14:00:00-04:00"
MARKER = "clock: depends on the date; runs with the clock pinned (NEARMISS_TEST_NOW, see tests/clock.py)"


def pinned_instants() -> list[datetime]:
    """The instants the date-sensitive tests run at (timezone-aware), in the order given."""
    texts = [t.strip() for t in os.environ.get(ENVIRONMENT_VARIABLE, "").split(",") if t.strip()]
    instants = []
    for text in texts or [DEFAULT_NOW]:
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            raise pytest.UsageError(
                f"{ENVIRONMENT_VARIABLE}: {text!r} is not an ISO 8601 date and time."
            ) from None
        if instant.tzinfo is None:
            raise pytest.UsageError(f"{ENVIRONMENT_VARIABLE}: {text!r} needs an offset (Z, +00:00, -05:00…).")
        instants.append(instant)
    return instants


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER)


def pytest_generate_tests(metafunc):
    instants = pinned_instants()
    if len(instants) > 1 and "frozen_now" in metafunc.fixturenames:
        ids = [instant.isoformat() for instant in instants]
        metafunc.parametrize("frozen_now", instants, indirect=True, ids=ids)


def pytest_collection_modifyitems(items):
    for item in items:
        if "frozen_now" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.clock)


@pytest.fixture
def frozen_now(request):
    """Moves the clock to the pinned instant for the test; time runs on from there (tick), so code
    that waits or measures durations still works."""
    instant = getattr(request, "param", None) or pinned_instants()[0]
    with time_machine.travel(instant, tick=True):
        yield instant


@pytest.fixture
def org_day(frozen_now, app) -> date:
    """The organisation's calendar day at the pinned instant (what ``org_today()`` answers)."""
    return frozen_now.astimezone(ZoneInfo(app.config["ORG_TIMEZONE"])).date()
