"""Person references outside the person view: a stable stand-in, so the same person reads the same
on every page, pack and export, and nobody is named."""

import hashlib
import hmac
import re

from flask import current_app

from app.core.clusters import normal_person

PSEUDONYM = re.compile(r"^P-[0-9A-F]{10}$")
"""What a pseudonym looks like (it is also the person view's address: no reference in any URL)."""


def pseudonym(person_ref: str | None) -> str:
    """``P-`` and ten hex digits of an HMAC of the reference, written any way (case, spaces): the same
    person in "J S" and "js" reads the same. Keyed by the app's secret, so it cannot be reversed by
    hashing guessed initials. Forty bits, because the pseudonym is also the person view's address: two
    people sharing one would show as one history (with 10,000 people, a chance of about 1 in 20,000;
    six digits gave 3 in 100 already at 1,000)."""
    person = normal_person(person_ref)
    if not person:
        return ""
    key = current_app.config["SECRET_KEY"].encode()
    return "P-" + hmac.new(key, person.encode(), hashlib.sha256).hexdigest()[:10].upper()
