"""A review's automatic title, written in the reader's language each time it is shown.

Triage, an interface failure and a cluster open reviews under a title of the app's making ("Brief
review of NM-12"). Its parts are kept beside it (``Review.title_parts``: which title, and what fills
it), so a Spanish reader reads "Revisión breve de NM-12"; the stored ``title`` keeps the English text
(what the audit trail and exports quote). A title a person typed, or edited away from the one shown,
has no parts and reads as typed in every language.
"""

from flask_babel import force_locale
from flask_babel import gettext as _

from app.taxonomy.seeded import shown
from app.taxonomy.vocabulary import interface_label

BRIEF = "brief"
FULL = "full"
PATHWAY = "pathway"
THEME = "theme"
CLUSTER = "cluster"

BARRIER_TITLE_PREFIX = "Barrier review: "
"""How a theme's barrier review title starts in English (what the stored text of one starts with)."""


def report_title(template: str, report_id: int) -> dict:
    """The parts of a title about one report: a brief or full systems review, or a pathway map."""
    return {"template": template, "report": report_id}


def theme_title(category: str, region: str) -> dict:
    """A theme's barrier review: the category's name (a default one is shown in the reader's
    language) and the region's, as they were when it was opened."""
    return {"template": THEME, "category": category, "region": region}


def cluster_title(*, category: str | None, interface: str | None, region: str | None, person: str) -> dict:
    """A cluster's barrier review: of a category or an interface type, in a region or about one
    person (their pseudonym)."""
    return {
        "template": CLUSTER,
        "category": category,
        "interface": None if category else interface,
        "region": region,
        "person": None if region else person,
    }


def _written(parts: dict) -> str:
    template = parts["template"]
    if template == BRIEF:
        return _("Brief review of NM-%(id)s", id=int(parts["report"]))
    if template == FULL:
        return _("Full systems review of NM-%(id)s", id=int(parts["report"]))
    if template == PATHWAY:
        return _("Information pathway of NM-%(id)s", id=int(parts["report"]))
    if template == THEME:
        return _(
            "Barrier review: %(category)s in %(region)s",
            category=shown(str(parts["category"])),
            region=str(parts["region"]),
        )
    if template == CLUSTER:
        category, region = parts.get("category"), parts.get("region")
        what = shown(str(category)) if category else interface_label(parts.get("interface"))
        where = str(region) if region else _("person %(pseudonym)s", pseudonym=parts["person"])
        return _("Cluster: %(what)s in %(where)s", what=what, where=where)
    raise KeyError(template)


def shown_title(title: str, parts) -> str:
    """The title a reader sees: an automatic one in their language, a typed one as typed (and the
    stored text when the parts are not ones this version knows how to write)."""
    if isinstance(parts, dict):
        try:
            return _written(parts)
        except (KeyError, TypeError, ValueError):
            pass
    return title


TITLE_LENGTH = 200  # reviews.title


def english_title(parts: dict) -> str:
    """The automatic title in English: the text stored in ``Review.title``, shortened to fit it (a
    category and a region may each be 120 characters long)."""
    with force_locale("en"):
        written = _written(parts)
    return written if len(written) <= TITLE_LENGTH else written[: TITLE_LENGTH - 1] + "…"
