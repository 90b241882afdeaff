"""Publishing "what changed because you reported". Callers commit."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.actions.models import Action
from app.actions.queries import can_view_action
from app.auth.models import User
from app.core.audit.operations import record_event
from app.core.ids import is_db_id
from app.core.permissions import can_view_report
from app.core.roles import Role
from app.core.validation import InvalidInput
from app.extensions import db
from app.feedback.models import FeedbackPost
from app.notifications.operations import notify
from app.reports.models import Report
from app.reports.queries import UNSEEN_REPORT
from app.taxonomy.models import Region


class FeedbackInvalid(InvalidInput):
    """A feedback update was refused; ``errors`` says why."""


@dataclass
class FeedbackInput:
    title: str
    what_changed: str
    why: str
    action_ids: list[int] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    region_ids: list[int] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


def _rows(model, ids):
    ids = [i for i in ids if is_db_id(i)]
    return list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


def publish(actor, data: FeedbackInput, *, now=None) -> FeedbackPost:
    """Publish an update and tell every reporter of a linked report personally.

    Reports linked through the actions count too. Confidential reporters are told as well: the
    system knows them, only other people are kept from seeing who they are.
    """
    errors: dict[str, list[str]] = {}
    if not 3 <= len(data.title.strip()) <= 200:
        errors["title"] = [_("Give the update a short title.")]
    if not 3 <= len(data.what_changed.strip()) <= 5000:
        errors["what_changed"] = [_("Say what changed.")]
    if not 3 <= len(data.why.strip()) <= 5000:
        errors["why"] = [_("Say why it changed.")]
    actions = _rows(Action, data.action_ids)
    reports = _rows(Report, data.report_ids)
    regions = _rows(Region, data.region_ids)
    # Only what the author may see; an unknown id and a forbidden one get the same answer.
    if len(actions) != len(set(data.action_ids)) or not all(can_view_action(actor, a) for a in actions):
        errors["action_ids"] = [_("Link only actions you can see (A-numbers).")]
    if len(reports) != len(set(data.report_ids)) or not all(can_view_report(actor, r) for r in reports):
        errors["report_ids"] = [_(UNSEEN_REPORT)]
    if len(regions) != len(set(data.region_ids)):
        errors["region_ids"] = [_("Choose existing regions.")]
    if any(r not in {role.value for role in Role} for r in data.roles):
        errors["roles"] = [_("Choose existing roles.")]
    if not actions and not reports:
        errors["action_ids"] = [_("Link the actions or reports this update is about.")]
    if errors:
        raise FeedbackInvalid(errors)
    post = FeedbackPost(
        title=data.title.strip(),
        what_changed=data.what_changed.strip(),
        why=data.why.strip(),
        author_id=actor.id,
        audience_region_ids=sorted(r.id for r in regions),
        audience_roles=sorted(set(data.roles)),
        actions=actions,
        reports=reports,
    )
    if now is not None:
        post.published_at = now
    db.session.add(post)
    db.session.flush()
    record_event(
        "feedback.publish",
        actor=actor,
        object_type="feedback",
        object_id=post.id,
        after={
            "action_ids": [a.id for a in actions],
            "report_ids": [r.id for r in reports],
            "regions": post.audience_region_ids,
            "roles": post.audience_roles,
        },
    )
    told = {}
    for report in reports + [r for a in actions for r in a.reports]:
        told.setdefault(report.reporter_id, []).append(report.id)
    reporters = list(db.session.scalars(select(User).where(User.id.in_(list(told)))))
    for reporter in reporters:
        numbers = ", ".join(f"NM-{i}" for i in sorted(set(told[reporter.id]))[:3])
        notify(
            [reporter],
            kind="feedback",
            link=f"/feedback/{post.id}",
            title=_l("Something changed because you reported (%(numbers)s)", numbers=numbers),
        )
    return post


def can_publish(user) -> bool:
    return Role.QUALITY_LEAD in user.roles


def is_for(post: FeedbackPost, user) -> bool:
    """Whether ``user`` is in the post's audience (everyone, or chosen regions and/or roles)."""
    if Role.QUALITY_LEAD in user.roles or post.author_id == user.id:
        return True
    region_ok = (
        not post.audience_region_ids
        or user.is_organisation_wide
        or bool(set(post.audience_region_ids) & user.region_ids)
    )
    role_ok = not post.audience_roles or bool({str(r) for r in user.roles} & set(post.audience_roles))
    return region_ok and role_ok
