"""0034 fills ``cue_guide_versions.published_at`` from the audit trail: a version's latest publication
(``guide.publish``, or ``guide.save`` of a version published as it was saved, its object named
"role:language:version" or, before guides had languages, "role:version"); a published version with no
such event gets its creation time; a version never published stays empty."""

from datetime import datetime

from sqlalchemy import select, text

from app.extensions import db
from app.guides.models import CueGuideVersion
from tests.migrations.databases import app_on, database_of_its_own, migrate

VERSION = (
    "INSERT INTO cue_guide_versions (role, language, version, content, published, created_at) "
    "VALUES (:role, :language, :version, '{}', :published, :created)"
)
EVENT = (
    "INSERT INTO audit_events (seq, occurred_at, action, object_type, object_id, after, prev_hash, hash) "
    "VALUES (:seq, :at, :action, 'guide', :object, :after, 'x', 'y')"
)


def test_published_at_comes_from_the_latest_publication_in_the_audit_trail(tmp_path):
    with database_of_its_own(tmp_path) as url:
        app = app_on(url)
        with app.app_context():
            migrate("upgrade", "0033_competency")
            versions = [
                # role, language, version, published now, created
                ("dsp", "en", 1, False, datetime(2026, 1, 5, 9)),
                ("dsp", "en", 2, True, datetime(2026, 2, 2, 9)),
                ("dsp", "en", 3, False, datetime(2026, 3, 2, 9)),
                ("nurse", "en", 1, True, datetime(2026, 1, 7, 9)),
                ("nurse", "es", 1, False, datetime(2026, 1, 8, 9)),
            ]
            events = [
                (datetime(2026, 1, 5, 9), "guide.save", "dsp:1", '{"published": true}'),  # before languages
                (datetime(2026, 2, 2, 9), "guide.save", "dsp:en:2", '{"published": false, "language": "en"}'),
                (datetime(2026, 2, 9, 9), "guide.publish", "dsp:en:2", None),
                (datetime(2026, 3, 2, 9), "guide.save", "dsp:en:3", '{"published": true, "language": "en"}'),
                (datetime(2026, 3, 9, 9), "guide.publish", "dsp:en:2", None),  # back to version 2
                (datetime(2026, 3, 10, 9), "guide.publish", "nurse:es:9", None),  # no such version
            ]
            with db.engine.begin() as connection:
                for role, language, number, published, created in versions:
                    connection.execute(
                        text(VERSION),
                        {
                            "role": role,
                            "language": language,
                            "version": number,
                            "published": published,
                            "created": created,
                        },
                    )
                for seq, (at, action, name, after) in enumerate(events, start=1):
                    connection.execute(
                        text(EVENT), {"seq": seq, "at": at, "action": action, "object": name, "after": after}
                    )
            migrate("upgrade", "0034_guide_publication_dates")
            rows = db.session.execute(
                select(
                    CueGuideVersion.role,
                    CueGuideVersion.language,
                    CueGuideVersion.version,
                    CueGuideVersion.published_at,
                )
            ).all()
            published = {(role, language, number): when for role, language, number, when in rows}
            assert {key: when and when.replace(tzinfo=None) for key, when in published.items()} == {
                ("dsp", "en", 1): datetime(2026, 1, 5, 9),
                ("dsp", "en", 2): datetime(2026, 3, 9, 9),
                ("dsp", "en", 3): datetime(2026, 3, 2, 9),
                ("nurse", "en", 1): datetime(2026, 1, 7, 9),
                ("nurse", "es", 1): None,
            }
            db.session.remove()
            db.engine.dispose()
