"""The demo organisation is American and reads American end to end (issue 19 point 4): its
categories, cue guides, scenarios and the rest of what the demo writes carry no UK-only word."""

import re

from sqlalchemy import String, Text, select

from app.core.jurisdiction import Jurisdiction, jurisdiction
from app.demo import scenarios
from app.escalations.models import ExternalBody
from app.extensions import db
from app.guides.defaults import DEFAULT_GUIDES
from app.taxonomy.defaults import DEFAULT_CATEGORIES

# "999" as a number to dial, not the digits of a reference such as "PF-999" (the demo draws those at
# random, so which appear depends on the database's order of rows).
UK_ONLY = re.compile(
    r"care act|\bcqc\b|riddor|\brota\b|\bGP\b|hoist|(?<![\w-])999(?![\w-])|local authority|\bs42\b|"
    r"programme|organisation|"
    r"blister pack|walking frame|double-handed|\bchased\b|\bdiary\b|\blounge\b|\bkerb\b|"
    r"car park|minibus|\bflat\b|key safe|topped up|\bpost tray\b|short breaks",
    re.IGNORECASE,
)
# The audit chain (internal action and object names), the sessions and the migrations' bookkeeping.
SKIPPED_TABLES = {"audit_events", "audit_chain_tail", "access_events", "alembic_version", "sessions"}


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, (list, tuple)):
        return [s for item in value for s in strings_in(item)]
    return []


def uk_words(texts) -> list[str]:
    return [text for text in texts if UK_ONLY.search(text)]


def test_the_default_categories_read_american():
    assert uk_words(strings_in(DEFAULT_CATEGORIES)) == []


def test_every_default_cue_guide_reads_american():
    assert uk_words(strings_in(DEFAULT_GUIDES)) == []


def test_the_demo_scenarios_read_american():
    assert uk_words(strings_in(scenarios.SCENARIOS)) == []


def test_a_loaded_demo_is_a_new_york_organisation_with_no_uk_word_in_its_data(app):
    """Every text the demo load writes (reports, reviews, actions, feedback, programs, categories,
    external bodies in use...) - the audit chain's internal names aside."""
    result = app.test_cli_runner().invoke(
        args=["demo", "load", "--password", "demo-password-1", "--weeks", "6"]
    )
    assert result.exit_code == 0, result.output
    found = []
    with app.app_context():
        assert jurisdiction() == Jurisdiction("us", "NY")
        active = db.session.scalars(select(ExternalBody.name).where(ExternalBody.active)).all()
        assert "911 (police, fire, EMS)" in active and uk_words(active) == []
        for table in db.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if table.name == "external_bodies":
                rows = db.session.execute(select(*columns).where(table.c.active)).all()
            else:
                rows = db.session.execute(select(*columns)).all() if columns else []
            found += [f"{table.name}: {text}" for row in rows for text in row if isinstance(text, str)]
    assert "categories: Scheduling and staffing" in found
    assert uk_words(found) == []
