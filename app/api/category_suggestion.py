"""``POST /api/v1/category-suggestion``: the request it reads, the answer it gives, and its rate limit.

The text comes in the body, never in the URL (it may name a person's health), and nothing here logs
it. The answer is only a hint for the capture form: a category and how confident the scorer is, or
``{"category": null}`` when it is not confident (see ``app.triage.category_scorer``).
"""

from typing import Annotated

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from app.core.rate_limits import per_person_limit
from app.taxonomy.seeded import shown
from app.triage.category_scorer import Suggestion

MAX_TEXT_LENGTH = 2000
"""As long as the form's "What happened?" may be."""


def _words(value: str) -> str:
    if not value.strip():
        raise ValueError(_("Type a few words about what happened."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Contains a character that is not text.")) from None
    return value


class SuggestionRequest(BaseModel):
    """The body: the words typed so far into "What happened?"; other keys are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)

    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH), AfterValidator(_words)]


def read_request(body) -> tuple[str | None, dict[str, list[str]]]:
    """The text to score, or the errors by field (the messages never repeat the text)."""
    if not isinstance(body, dict):
        return None, {"_body": [_("Send a JSON object with the text.")]}
    try:
        return SuggestionRequest.model_validate(body).text, {}
    except ValidationError as error:
        errors: dict[str, list[str]] = {}
        for problem in error.errors(include_input=False, include_url=False):
            field = str(problem["loc"][0]) if problem["loc"] else "_body"
            errors.setdefault(field, []).append(problem["msg"].removeprefix("Value error, "))
        return None, errors


def answer(suggestion: Suggestion | None) -> dict:
    if suggestion is None:
        return {"category": None}
    return {
        "category": {"code": suggestion.code, "label": shown(suggestion.label)},
        "confidence": suggestion.confidence,
    }


suggestion_limit = per_person_limit(
    "CATEGORY_SUGGESTION_LIMITS",
    scope="category-suggestion",
    message=_l("Too many suggestions asked for in a short time."),
)
"""Per signed-in person: the form asks at most once per pause in typing."""
