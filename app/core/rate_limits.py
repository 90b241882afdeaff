"""A rate limit counted per signed-in person, its limits read from the app's config when a request
comes (so tests and deployments set them), and not applied before sign-in (the route answers 401)."""

from collections.abc import Callable

from flask import current_app
from flask_login import current_user

from app.extensions import limiter


def _person() -> str:
    return f"user:{current_user.id}"


def _not_signed_in() -> bool:
    return not current_user.is_authenticated


def per_person_limit(config_key: str, *, scope: str, message: str, cost: int | Callable[[], int] = 1):
    """A decorator limiting POSTs to ``config_key``'s limits (e.g. "600 per 10 minutes; 2000 per day"),
    one allowance per person across every route decorated with the same ``scope``; each request takes
    ``cost`` from it (a number, or a function of the request)."""
    return limiter.shared_limit(
        lambda: current_app.config[config_key],
        scope=scope,
        key_func=_person,
        methods=["POST"],
        exempt_when=_not_signed_in,
        # Called per refusal, so a lazily translated message comes out in the person's language.
        error_message=lambda: str(message),
        cost=cost,
    )
