"""Reads for the evidence pack pages."""

from sqlalchemy import select

from app.extensions import db
from app.packs.models import PackRender
from app.taxonomy.models import Region


def recent_renders(user_id: int, limit: int = 10) -> list[PackRender]:
    """The packs this person asked to have drawn in the background, newest first."""
    return list(
        db.session.scalars(
            select(PackRender)
            .where(PackRender.requested_by_id == user_id)
            .order_by(PackRender.id.desc())
            .limit(limit)
        )
    )


def region_by_id(region_id: int) -> Region | None:
    """The region with this id, or None."""
    return db.session.get(Region, region_id)


def render_by_id(render_id: int) -> PackRender | None:
    """The background render with this id, or None (whoever asked for it)."""
    return db.session.get(PackRender, render_id)
