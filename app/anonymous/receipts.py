"""Receipt codes: made, read back and hashed. Pure: no database, no request.

A code is 20 characters from Crockford's base-32 alphabet (100 random bits), shown in five groups of
four ("7KQ2-M9XD-..."). Reading one back forgives what people do when they copy a code: lower case,
spaces or no dashes, and the letters O, I and L for the digits 0, 1 and 1. Only its SHA-256 is stored.
"""

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20
GROUP = 4
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_receipt_code() -> str:
    """A fresh code in groups of four, for the sender to keep."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalised(typed: str) -> str | None:
    """The code as typed, in its canonical form (no separators, upper case), or None when it cannot
    be a code at all (wrong length or a character outside the alphabet)."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch not in " -_.\t\r\n").translate(_LOOK_ALIKES)
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def receipt_hash(code: str) -> str | None:
    """The stored form of a code (SHA-256 of its canonical form); None for something that is no code."""
    canonical = normalised(code)
    if canonical is None:
        return None
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
