"""The demo's cue guide readings and competency checks, so the coverage page and the pack have
something to show: most staff confirmed the guide they read now (the built-in default, version 0),
a few have not yet; the trainer checked some of the DSPs over the last weeks."""

import random
import uuid
from datetime import datetime, timedelta

from app.guides.competency import COMPETENT, NOT_YET, SKILLS, record_check, staff_in
from app.guides.reads import guide_role_of, record_guide_read


def record_demo_competency(rng: random.Random, trainer, now: datetime, *, today) -> None:
    """About four in five staff confirm their guide; the trainer checks about half the DSPs."""
    for person in staff_in(None):
        if rng.random() < 0.8:
            read_at = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
            body = {
                "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "role": guide_role_of(person),
                "language": "en",
                "version": 0,
                "read_at": read_at.isoformat(),
            }
            record_guide_read(person, body, now=now)
        if person.is_dsp_only and rng.random() < 0.6:
            record_check(
                person,
                skill=rng.choice(sorted(SKILLS)),
                checked_on=today - timedelta(days=rng.randint(3, 56)),
                result=COMPETENT if rng.random() < 0.75 else NOT_YET,
                note="",
                assessor=trainer,
                today=today,
                now=now,
            )
