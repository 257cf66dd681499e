"""Text rules for everything a person types: titles, descriptions, names.

Decisions (tested in tests/bot/event/test_text.py):
- Leading/trailing whitespace is removed; a title's inner whitespace is folded to one space.
- Control characters are refused (a description may hold newlines and tabs; `\\r\\n` becomes `\\n`),
  and so are lone surrogates.
- Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069) are refused:
  they reorder the text around them, the usual way to make a title read as something else.
  The direction *marks* (LRM, RLM, ALM) are ordinary in Hebrew and Arabic and are kept.
- Other invisible characters (Unicode's default-ignorable code points: zero-width joiners and
  non-joiners, variation selectors, tag characters, soft hyphens, fillers...) are kept, since
  Persian, Indic scripts and emoji sequences need them, but they never make a title different:
  `title_key` folds them out, so "Talk" with an invisible character added is a duplicate of
  "Talk". A text that shows nothing (only such characters, spaces, or blank symbols such as
  the Hangul fillers or the blank Braille pattern) is refused as empty.
- Lengths are counted in characters after trimming: title ≤ 100, description ≤ 1,500 (Discord's
  limits for a modal field and an embed field leave room for the rest of the message).
- Duplicate detection uses `title_key`: NFKC normalisation, case folding, invisible characters
  removed, whitespace folded.
"""

from __future__ import annotations

import functools
import unicodedata

from bot.event.errors import InvalidInput
from bot.i18n import N_, Message

TITLE_MAX = 100
TRACK_MAX = 50
DESCRIPTION_MAX = 1500
NAME_MAX = 100

#: The fields' names in the refusals, in the reader's language ("The title must not be empty").
TITLE, DESCRIPTION, TRACK = N_("title"), N_("description"), N_("track")

#: Characters that reorder the text around them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Unicode's Default_Ignorable_Code_Point ranges (DerivedCoreProperties.txt): drawn as nothing.
_IGNORABLE = ((0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
              (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
              (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
              (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
              (0xE0000, 0xE0FFF))
#: Visible-looking characters that draw nothing either.
_BLANK = frozenset("\u2800")
#: The invisible characters that change how the text around them is drawn (joiners, direction
#: marks, variation selectors, emoji tags): kept in names, where the others are dropped.
_JOINING = frozenset("\u200c\u200d\u200e\u200f\u061c" + "".join(map(chr, range(0xFE00, 0xFE10)))
                     + "".join(map(chr, range(0xE0020, 0xE0080))))


def invisible(ch: str) -> bool:
    """Drawn as nothing: a default-ignorable code point or a blank symbol."""
    if ch in _BLANK:
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _IGNORABLE)


def _check_characters(text: str, field: str | Message, allow_newlines: bool) -> None:
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            if allow_newlines and ch in "\n\t":
                continue
            if ch in "\r\n":
                raise InvalidInput(N_("The {field} must not contain line breaks or control "
                                      "characters.", field=field))
            raise InvalidInput(N_("The {field} must not contain control characters.",
                                  field=field))
        if cat == "Cs":
            raise InvalidInput(N_("The {field} contains an invalid character.", field=field))
        if ch in BIDI_CONTROLS:
            raise InvalidInput(N_(
                "The {field} contains invisible characters that change the direction of the "
                "text around them; please retype it without them.", field=field))
    if not any(not ch.isspace() and not invisible(ch) for ch in text):
        raise InvalidInput(N_("The {field} must not be empty (it shows nothing).", field=field))


def _check_length(text: str, field: str | Message, limit: int) -> None:
    if not text:
        raise InvalidInput(N_("The {field} must not be empty.", field=field))
    if len(text) > limit:
        raise InvalidInput(N_("The {field} is {length} characters long; the limit is {limit}.",
                              field=field, length=len(text), limit=limit))


def clean_title(raw: object, field: str | Message = TITLE, limit: int = TITLE_MAX) -> str:
    """A one-line text: trimmed, inner whitespace folded, checked. Raises InvalidInput.
    `field` names it in the refusals: a `Message` is named in the reader's language."""
    if not isinstance(raw, str):
        raise InvalidInput(N_("The {field} must be text.", field=field))
    _check_characters(raw, field, allow_newlines=False)
    text = " ".join(raw.split())
    _check_length(text, field, limit)
    return text


def clean_track(raw: object) -> str:
    """A session's track: a short one-line name shared by related sessions."""
    return clean_title(raw, field=TRACK, limit=TRACK_MAX)


def clean_description(raw: object, field: str | Message = DESCRIPTION,
                      limit: int = DESCRIPTION_MAX) -> str:
    """A multi-line text: trimmed, `\\r\\n` made `\\n`, checked. Raises InvalidInput."""
    if not isinstance(raw, str):
        raise InvalidInput(N_("The {field} must be text.", field=field))
    text = raw.replace("\r\n", "\n").strip()
    _check_characters(text, field, allow_newlines=True)
    _check_length(text, field, limit)
    return text


@functools.lru_cache(maxsize=4096)  # called on every rules call, with few distinct names
def clean_display_name(raw: object) -> str:
    """A display name from Discord: never refused, only tidied (it is not typed for us)."""
    if not isinstance(raw, str):
        return ""
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs")
                   and (not invisible(ch) or ch in _JOINING))
    return " ".join(kept.split())[:NAME_MAX]


def title_key(title: str) -> str:
    """The key two titles share when a person would call them the same: invisible characters
    make no difference."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    folded = "".join(ch for ch in folded if not invisible(ch))
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 slot", "3 slots" (no "slot(s)")."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, an ellipsis marking where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

