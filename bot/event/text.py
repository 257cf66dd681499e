"""Text rules for everything a person types: titles, descriptions, names.

Decisions (tested in tests/bot/event/test_text.py):
- Leading/trailing whitespace is removed; a title's inner whitespace is folded to one space.
- Control characters are refused (a description may hold newlines and tabs; `\\r\\n` becomes `\\n`).
- Invisible format characters (zero-width space, joiners, word joiner, BOM, soft hyphen,
  bidirectional overrides: Unicode category Cf) are refused with a message that says so, because
  they are the usual way to smuggle look-alike duplicates and misleading text. The one
  exception is a zero-width joiner between two emoji (👩‍💻), which is legitimate.
- Lengths are counted in characters after trimming: title ≤ 100, description ≤ 1,500 (Discord's
  limits for a modal field and an embed field leave room for the rest of the message).
- Duplicate detection uses `title_key`: NFKC normalisation, case folding, whitespace folded.
"""

from __future__ import annotations

import functools
import unicodedata

from bot.event.errors import InvalidInput

TITLE_MAX = 100
DESCRIPTION_MAX = 1500
NAME_MAX = 100
ZWJ = "\u200d"


def _is_emoji(ch: str) -> bool:
    return unicodedata.category(ch) == "So" or 0x1F000 <= ord(ch) <= 0x1FAFF


def _check_characters(text: str, field: str, allow_newlines: bool) -> None:
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if cat == "Cc":
            if allow_newlines and ch in "\n\t":
                continue
            where = "line breaks or control characters" if ch in "\r\n" else "control characters"
            raise InvalidInput(f"The {field} must not contain {where}.")
        if cat == "Cs":
            raise InvalidInput(f"The {field} contains an invalid character.")
        if cat == "Cf":
            if ch == ZWJ and 0 < i < len(text) - 1:
                before, after = text[i - 1], text[i + 1]
                if before == "\ufe0f" and i >= 2:
                    before = text[i - 2]
                if _is_emoji(before) and _is_emoji(after):
                    continue
            raise InvalidInput(
                f"The {field} contains invisible characters (such as zero-width spaces); "
                "please retype it without them."
            )


def clean_title(raw: object, field: str = "title", limit: int = TITLE_MAX) -> str:
    """A one-line text: trimmed, inner whitespace folded, checked. Raises InvalidInput."""
    if not isinstance(raw, str):
        raise InvalidInput(f"The {field} must be text.")
    _check_characters(raw, field, allow_newlines=False)
    text = " ".join(raw.split())
    if not text:
        raise InvalidInput(f"The {field} must not be empty.")
    if len(text) > limit:
        raise InvalidInput(f"The {field} is {len(text)} characters long; the limit is {limit}.")
    return text


def clean_description(raw: object, field: str = "description",
                      limit: int = DESCRIPTION_MAX) -> str:
    """A multi-line text: trimmed, `\\r\\n` made `\\n`, checked. Raises InvalidInput."""
    if not isinstance(raw, str):
        raise InvalidInput(f"The {field} must be text.")
    text = raw.replace("\r\n", "\n").strip()
    _check_characters(text, field, allow_newlines=True)
    if not text:
        raise InvalidInput(f"The {field} must not be empty.")
    if len(text) > limit:
        raise InvalidInput(f"The {field} is {len(text)} characters long; the limit is {limit}.")
    return text


@functools.lru_cache(maxsize=4096)  # called on every rules call, with few distinct names
def clean_display_name(raw: object) -> str:
    """A display name from Discord: never refused, only tidied (it is not typed for us)."""
    if not isinstance(raw, str):
        return ""
    kept = "".join(ch for ch in raw if unicodedata.category(ch) not in ("Cc", "Cs", "Cf"))
    return " ".join(kept.split())[:NAME_MAX]


def title_key(title: str) -> str:
    """The key two titles share when a person would call them the same."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def cut(text: str, limit: int) -> str:
    """`text` within `limit` characters, an ellipsis marking where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_upload(raw: object, what: str, limit: int) -> None:
    """Refuse an uploaded file's text when it is empty or larger than `limit` characters."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput(f"The {what} is empty.")
    if len(raw) > limit:
        raise InvalidInput(f"The {what} is too large: {limit:,} characters at most.")
