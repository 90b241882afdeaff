"""Settings and taxonomy kept per process: reused, dropped at once by this process's own writes, and
re-read when their lifetime ends (how a change made on another server arrives)."""

from sqlalchemy import event, text

from app.core.settings import all_settings, get_setting, set_setting
from app.extensions import db
from app.taxonomy.models import Category
from app.taxonomy.reference import taxonomy_reference


def _statements_during(action) -> int:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_kept_values_are_reused_without_a_query(app, ctx):
    first = taxonomy_reference()
    all_settings()
    assert (
        _statements_during(lambda: (taxonomy_reference(), all_settings(), get_setting("triage_target_hours")))
        == 0
    )
    assert taxonomy_reference() is first
    assert first.active_categories["medication"].code == "medication"
    assert (
        first.active_categories[first.active_categories["medication"].id]
        is first.active_categories["medication"]
    )


def test_a_write_in_this_process_is_seen_at_once(app, ctx, make):
    admin = make.user("admin@x.test", roles=["admin"])
    assert get_setting("triage_target_hours") == 24
    set_setting("triage_target_hours", 8, actor=admin)
    assert get_setting("triage_target_hours") == 8  # inside the writing transaction
    db.session.commit()
    assert get_setting("triage_target_hours") == 8

    assert "medication" in taxonomy_reference().active_categories
    db.session.get(Category, taxonomy_reference().active_categories["medication"].id).active = False
    db.session.commit()
    assert "medication" not in taxonomy_reference().active_categories
    assert taxonomy_reference().categories_by_id  # inactive ones are still known by id


def test_a_rolled_back_write_is_not_kept(app, ctx, make):
    admin = make.user("admin@x.test", roles=["admin"])
    set_setting("triage_target_hours", 8, actor=admin)
    assert get_setting("triage_target_hours") == 8
    db.session.rollback()
    assert get_setting("triage_target_hours") == 24


def test_a_change_made_elsewhere_arrives_when_the_lifetime_ends(app, ctx):
    assert get_setting("triage_target_hours") == 24
    # Another server's change: straight into the table, not through this process's ORM.
    db.session.execute(text("INSERT INTO settings (key, value) VALUES ('triage_target_hours', '12')"))
    db.session.commit()
    assert get_setting("triage_target_hours") == 24  # still within the lifetime
    app.config["REFERENCE_DATA_SECONDS"] = 0
    try:
        assert get_setting("triage_target_hours") == 12
    finally:
        app.config["REFERENCE_DATA_SECONDS"] = 5
