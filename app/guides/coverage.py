"""Coverage of the cue guides and competency checks: per role, per region and per team, how many staff
confirmed the current version of their guide and how many were checked in a period.

There is no team in the organisation's model: a team here is the staff of one role in one region
(the DSPs of North, led by North's supervisors). A person with two regions counts in each; a person
with two roles counts in each role's row, against that role's guide. Region rows and the total count
each person once, against the guide of their role (``reads.guide_role_of``). Confirmations are as of
now (a new version asks everyone again) or, for a past period (the evidence pack's), as of a moment: the
version printed then, read before it. Checks are those dated in the period.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.core.roles import COVERAGE_ROLES, Role
from app.extensions import db
from app.guides.competency import COMPETENT, STAFF_ROLES, staff_at, staff_in
from app.guides.defaults import ROLE_TO_GUIDE
from app.guides.models import CompetencyCheck
from app.guides.reads import GuidesAsOf, guide_role_of, guides_at, guides_now, readers_of_current


@dataclass(frozen=True)
class CoverageRow:
    """One line of coverage: ``role`` and/or ``region`` name what it counts (None: all of them)."""

    role: str | None
    region: str | None
    staff: int
    confirmed: int
    checked: int
    competent: int
    checks: int

    @property
    def confirmed_share(self) -> float | None:
        return self.confirmed / self.staff * 100 if self.staff else None

    @property
    def checked_share(self) -> float | None:
        return self.checked / self.staff * 100 if self.staff else None


@dataclass(frozen=True)
class Coverage:
    first_day: date
    last_day: date
    guides: GuidesAsOf
    total: CoverageRow
    by_role: list[CoverageRow]
    by_region: list[CoverageRow]
    by_team: list[CoverageRow]


def _found_competent(checks) -> set[int]:
    """People whose latest check of each skill they were checked on says "competent": a later
    "not yet" on a skill undoes an earlier "competent" on it."""
    latest = {}
    for check in sorted(checks, key=lambda c: (c.checked_on, c.id)):
        latest[(check.user_id, check.skill)] = check.result
    not_yet = {user_id for (user_id, _skill), result in latest.items() if result != COMPETENT}
    return {user_id for user_id, _skill in latest} - not_yet


def _row(people, role, region, confirmed_ids, checks_by_person) -> CoverageRow:
    ids = {person.id for person in people}
    checks = [check for pid in ids for check in checks_by_person.get(pid, [])]
    return CoverageRow(
        role=role,
        region=region,
        staff=len(ids),
        confirmed=len(ids & confirmed_ids),
        checked=len({check.user_id for check in checks}),
        competent=len(_found_competent(checks)),
        checks=len(checks),
    )


def coverage(
    region_ids: frozenset[int] | None, first_day: date, last_day: date, *, as_of: datetime | None = None
) -> Coverage:
    """Coverage of the staff of ``region_ids`` (None: every region, and staff of no region), with the
    checks dated from ``first_day`` to ``last_day`` inclusive. Confirmations of the guides printed now,
    or with ``as_of``, of those printed at that moment and read before it, by the staff of that moment."""
    people = staff_in(region_ids) if as_of is None else staff_at(region_ids, as_of)
    guides = guides_now() if as_of is None else guides_at(as_of)
    ids = [person.id for person in people]
    confirmed_by_guide = {
        guide: readers_of_current(ids, guide, guides.versions, as_of=guides)
        for guide in set(ROLE_TO_GUIDE.values())
    }
    own_guide_read = {p.id for p in people if p.id in confirmed_by_guide.get(guide_role_of(p), set())}
    checks_by_person = defaultdict(list)
    if ids:
        for check in db.session.scalars(
            select(CompetencyCheck).where(
                CompetencyCheck.user_id.in_(ids),
                CompetencyCheck.checked_on >= first_day,
                CompetencyCheck.checked_on <= last_day,
            )
        ):
            checks_by_person[check.user_id].append(check)

    def in_role(role, group):
        return [p for p in group if Role(role) in p.roles]

    regions = sorted(
        {(r.id, r.name) for p in people for r in p.regions if region_ids is None or r.id in region_ids},
        key=lambda pair: pair[1],
    )
    by_region, by_team = [], []
    for region_id, name in regions:
        members = [p for p in people if region_id in p.region_ids]
        by_region.append(_row(members, None, name, own_guide_read, checks_by_person))
        for role in STAFF_ROLES:
            team = in_role(role, members)
            if team:
                by_team.append(_row(team, role, name, own_guide_read, checks_by_person))
    # Everyone counts against the guide they are asked to read (a supervisor who also works as a
    # DSP reads the supervisor's), in every row they are in.
    by_role = [
        _row(in_role(role, people), role, None, own_guide_read, checks_by_person) for role in STAFF_ROLES
    ]
    return Coverage(
        first_day=first_day,
        last_day=last_day,
        guides=guides,
        total=_row(people, None, None, own_guide_read, checks_by_person),
        by_role=by_role,
        by_region=by_region,
        by_team=by_team,
    )


def sees_coverage(user) -> bool:
    """Trainers, managers, the quality lead and administrators see every region's coverage;
    supervisors their own regions'."""
    return bool(user.roles & COVERAGE_ROLES)


def coverage_regions(user) -> frozenset[int] | None:
    """The regions whose coverage ``user`` sees (None: all); call after :func:`sees_coverage`."""
    if user.roles & (COVERAGE_ROLES - {Role.SUPERVISOR}):
        return None
    return user.region_ids
