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

from app.core.i18n import N_
from app.core.reference_data import reference_data
from app.core.settings import Setting, store_setting
from app.core.validation import InvalidInput
from app.extensions import db

JURISDICTION_KEY = "jurisdiction"

# The states' English names: stored in the default bodies' names ("New York licensing agency"),
# shown in the reader's language (``gettext``) where a page names a state.
US_STATES = {
    "AL": N_("Alabama"), "AK": N_("Alaska"), "AZ": N_("Arizona"), "AR": N_("Arkansas"),
    "CA": N_("California"), "CO": N_("Colorado"), "CT": N_("Connecticut"), "DE": N_("Delaware"),
    "DC": N_("District of Columbia"), "FL": N_("Florida"), "GA": N_("Georgia"), "HI": N_("Hawaii"),
    "ID": N_("Idaho"), "IL": N_("Illinois"), "IN": N_("Indiana"), "IA": N_("Iowa"), "KS": N_("Kansas"),
    "KY": N_("Kentucky"), "LA": N_("Louisiana"), "ME": N_("Maine"), "MD": N_("Maryland"),
    "MA": N_("Massachusetts"), "MI": N_("Michigan"), "MN": N_("Minnesota"), "MS": N_("Mississippi"),
    "MO": N_("Missouri"), "MT": N_("Montana"), "NE": N_("Nebraska"), "NV": N_("Nevada"),
    "NH": N_("New Hampshire"), "NJ": N_("New Jersey"), "NM": N_("New Mexico"), "NY": N_("New York"),
    "NC": N_("North Carolina"), "ND": N_("North Dakota"), "OH": N_("Ohio"), "OK": N_("Oklahoma"),
    "OR": N_("Oregon"), "PA": N_("Pennsylvania"), "RI": N_("Rhode Island"), "SC": N_("South Carolina"),
    "SD": N_("South Dakota"), "TN": N_("Tennessee"), "TX": N_("Texas"), "UT": N_("Utah"),
    "VT": N_("Vermont"), "VA": N_("Virginia"), "WA": N_("Washington"), "WV": N_("West Virginia"),
    "WI": N_("Wisconsin"), "WY": N_("Wyoming"), "PR": N_("Puerto Rico"),
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
