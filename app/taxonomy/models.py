from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.taxonomy.seeded import shown


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Program(db.Model):
    """A service line (supported living, day services, ...). ``region_id`` empty means every region."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    region: Mapped[Region | None] = relationship()

    def serves(self, region_id: int) -> bool:
        return self.region_id is None or self.region_id == region_id


class Category(db.Model):
    """A near-miss category with the cue text staff pick it by.

    ``is_safeguarding`` routes a report to the safeguarding lead at submission;
    ``is_stop_the_line`` treats every report in it as someone still at risk;
    ``is_clinical`` asks the region's nurses for a same-day review of every report in it.
    """

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[str] = mapped_column(Text, default="")
    is_safeguarding: Mapped[bool] = mapped_column(Boolean, default=False)
    is_stop_the_line: Mapped[bool] = mapped_column(Boolean, default=False)
    is_clinical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def label(self) -> str:
        """The name as the reader sees it: a default one in their language, a typed one as typed."""
        return shown(self.name)

    @property
    def shown_description(self) -> str:
        return shown(self.description or "")

    @property
    def shown_examples(self) -> str:
        return shown(self.examples or "")
