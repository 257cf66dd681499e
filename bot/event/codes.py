"""Verification codes: easy to read aloud and type, compared in constant time.

The alphabet leaves out characters people confuse (0/O, 1/I/L) and vowels that could spell
words. Entered codes are upper-cased and stripped of spaces and dashes before comparison.
"""

from __future__ import annotations

import hmac
import secrets

from bot.event.errors import InvalidInput

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MIN_LENGTH, MAX_LENGTH = 4, 32
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 600.0

assert not set("01OIL") & set(ALPHABET)


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_entered(raw: object) -> str:
    """What the person typed, in the stored form (never raises: a wrong code is just wrong)."""
    if not isinstance(raw, str):
        return ""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")[:MAX_LENGTH * 2]


def clean_admin_code(raw: object) -> str:
    """A code an admin chooses: 4..32 characters of the unambiguous alphabet."""
    code = normalize_entered(raw)
    if not MIN_LENGTH <= len(code) <= MAX_LENGTH:
        raise InvalidInput(f"A verification code has {MIN_LENGTH} to {MAX_LENGTH} characters.")
    bad = sorted(set(code) - set(ALPHABET))
    if bad:
        raise InvalidInput(
            "A verification code may only use these characters, which cannot be mistaken for "
            f"one another: {ALPHABET} (not {' '.join(bad)}).")
    return code


def matches(entered: str, stored: str) -> bool:
    return hmac.compare_digest(entered.encode(), stored.encode())
