"""The organisation's jurisdiction: which country's (and state's) words the app uses.

United States by default (with the state, a two-letter code); United Kingdom; or "other", which uses
plain words that name no country's bodies or laws. It decides the default external bodies
(``app.escalations.vocabulary.default_external_bodies``), the safeguarding wording, and the emergency
number printed on guides and shown on pages. Stored in the ``settings`` table as one JSON row
(``{"kind": "us", "state": "NY"}``) and changed on Admin -> Local vocabulary.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.reference_data import reference_data
from app.core.settings import Setting, store_setting
from app.core.validation import InvalidInput
from app.extensions import db

JURISDICTION_KEY = "jurisdiction"

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri",
    "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio",
    "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah",
    "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip

KINDS = ("us", "uk", "other")
EMERGENCY_NUMBERS = {"us": "911", "uk": "999", "other": "112"}


@dataclass(frozen=True)
class Jurisdiction:
    """``kind`` is "us", "uk" or "other"; ``state`` a US state's two-letter code (empty elsewhere)."""

    kind: str = "us"
    state: str = ""

    @property
    def emergency_number(self) -> str:
        return EMERGENCY_NUMBERS[self.kind]

    @property
    def state_name(self) -> str:
        return US_STATES.get(self.state, "")


DEFAULT_JURISDICTION = Jurisdiction("us", "")


@reference_data(Setting)
def jurisdiction() -> Jurisdiction:
    """The organisation's jurisdiction (stored, or the default: the United States, no state yet)."""
    stored = db.session.scalar(select(Setting.value).where(Setting.key == JURISDICTION_KEY))
    if stored is None:
        return DEFAULT_JURISDICTION
    value = json.loads(stored)
    kind = value.get("kind") if value.get("kind") in KINDS else DEFAULT_JURISDICTION.kind
    return Jurisdiction(kind, value.get("state", "") if kind == "us" else "")


def set_jurisdiction(kind: str, state: str, *, actor) -> Jurisdiction:
    """Store the jurisdiction and audit the change. Raises :class:`InvalidInput` (field -> messages)
    for an unknown kind or a state that is not a US state's code."""
    kind = (kind or "").strip().lower()
    state = (state or "").strip().upper()
    if kind not in KINDS:
        raise InvalidInput({"kind": [_("Choose the United States, the United Kingdom or another country.")]})
    if kind == "us" and state and state not in US_STATES:
        raise InvalidInput(
            {"state": [_("%(state)s is not a US state's two-letter code (e.g. NY).", state=state)]}
        )
    chosen = Jurisdiction(kind, state if kind == "us" else "")
    before = jurisdiction()
    store_setting(
        JURISDICTION_KEY,
        {"kind": chosen.kind, "state": chosen.state},
        before={"kind": before.kind, "state": before.state},
        actor=actor,
    )
    return chosen
