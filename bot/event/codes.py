"""Verification codes: easy to read aloud and type, compared in constant time.

The alphabet leaves out characters people confuse (0/O, 1/I/L) and vowels that could spell
words. Entered codes are upper-cased and stripped of spaces and dashes before comparison.
"""

from __future__ import annotations

import hmac
import re
import secrets

from bot.event.errors import InvalidInput
from bot.i18n import N_

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31 ** 8: about 40 bits
MIN_LENGTH, MAX_LENGTH = 6, 32  # an organiser's new code: at least about 30 bits
STORED_MIN_LENGTH = 4  # what earlier releases let organisers choose
MIN_DISTINCT = 4
MAX_FAILURES = 5  # wrong codes per person per window
SERVER_MAX_FAILURES = 50  # wrong codes per server per window, across all accounts
FAILURE_WINDOW_SECONDS = 600.0

assert not set("01OIL") & set(ALPHABET)


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_entered(raw: object) -> str:
    """What the person typed, in the stored form (never raises: a wrong code is just wrong)."""
    if not isinstance(raw, str):
        return ""
    return "".join(ch for ch in raw.upper() if ch not in " -\t")[:MAX_LENGTH * 2]


_ORDERS = ("23456789", "ABCDEFGHJKMNPQRSTUVWXYZ")


def _runs(code: str) -> bool:
    """Made only of runs of three or more steps through the digits or the letters, either
    way, e.g. ABCDEF, 765432 or ABCD2345."""
    i = 0
    while i < len(code):
        j = i + 1
        while j < len(code) and any(code[j - 1:j + 1] in o or code[j - 1:j + 1] in o[::-1]
                                    for o in _ORDERS):
            j += 1
        if j - i < 3:
            return False
        i = j
    return True


def clean_code(raw: object, min_length: int = STORED_MIN_LENGTH) -> str:
    """A code as stored: `min_length`..32 characters of the unambiguous alphabet (an event
    imported from an export keeps the code it had, chosen under the rules of its time)."""
    code = normalize_entered(raw)
    if not min_length <= len(code) <= MAX_LENGTH:
        raise InvalidInput(N_("A verification code has {min} to {max} characters (random "
                              "codes have {random}).", min=min_length, max=MAX_LENGTH,
                              random=CODE_LENGTH))
    bad = sorted(set(code) - set(ALPHABET))
    if bad:
        shown = " ".join(ch if ch.isprintable() and ch.isascii() else "?" for ch in bad)
        raise InvalidInput(N_(
            "A verification code may only use these characters, which cannot be mistaken for "
            "one another: {alphabet} (not {shown}).", alphabet=ALPHABET, shown=shown))
    return code


def clean_admin_code(raw: object, avoid: tuple[str, ...] = ()) -> str:
    """A code an admin chooses now: 6..32 characters of the unambiguous alphabet, not
    guessable (one repeated character, a run like ABCDEF, few distinct characters, or words of
    `avoid`, such as the event's name)."""
    code = clean_code(raw, MIN_LENGTH)
    words = {normalize_entered(w) for a in avoid for w in re.split(r"[\W_]+", a)}
    words |= {normalize_entered(a) for a in avoid}
    if (len(set(code)) < MIN_DISTINCT or _runs(code)
            or any(len(w) >= 4 and w in code for w in words)):
        raise InvalidInput(N_("That code is too easy to guess (repeated characters, a run "
                              "like ABCDEF, or the event's name). /admin code rotate makes a "
                              "random one."))
    return code


def matches(entered: str, stored: str) -> bool:
    """Constant time; any text, even one holding lone surrogates, compares without error."""
    return hmac.compare_digest(entered.encode("utf-8", "surrogatepass"),
                               stored.encode("utf-8", "surrogatepass"))
