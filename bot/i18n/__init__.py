"""Languages: the texts people read, in their own language.

Texts are written in English where they are decided and looked up in gettext catalogs, one
`.po` file per language under `locale/` (`bot/i18n/catalogs.py`). Dates, day names and plural
rules come from Babel (CLDR) for the same language, so a German reader never gets a German
sentence around an English weekday. Nothing here knows Discord: the Discord layer says whose
language a text is for (`bot/discord/languages.py`); the rules describe a refusal with a
`Message`, rendered later in the reader's language.

Placeholders are `{name}` (str.format); `ngettext` and `NP_` also offer the count as `{n}`.
"""

from __future__ import annotations

import functools
import gettext
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, match_skeleton

from bot.i18n import catalogs

log = logging.getLogger(__name__)
SOURCE = "en"  # the language the texts are written in


@dataclass(frozen=True)
class Message:
    """A text to show later, in the reader's language: made where the words are decided (the
    rules), rendered where the reader is known (`Language.text`). `str()` is the English."""

    singular: str
    plural: str | None = None
    n: int = 0
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return ENGLISH.text(self)


def N_(message: str, /, **params: object) -> Message:
    """A text marked for translation, rendered later."""
    return Message(message, params=params)


def NP_(singular: str, plural: str, n: int, /, **params: object) -> Message:
    """A text with a count, marked for translation, rendered later ({n} is the count)."""
    return Message(singular, plural, n, params)


class Language:
    """The texts of one language (`code`, a catalog's name, or "en") with the dates of one
    locale (`locale`: en_GB writes "Monday 2 March", en_US "Monday, March 2")."""

    def __init__(self, code: str, locale: Locale, translations: gettext.NullTranslations):
        self.code = code
        self.locale = locale
        self._translations = translations

    def __repr__(self) -> str:
        return f"Language({self.code!r}, {str(self.locale)!r})"

    def gettext(self, message: str, /, **params: object) -> str:
        return self._format(self._translations.gettext(message), message, params)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        chosen = self._translations.ngettext(singular, plural, n)
        return self._format(chosen, singular if n == 1 else plural, {"n": n, **params})

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        return self._format(self._translations.pgettext(context, message), message, params)

    def text(self, message: Message | str) -> str:
        """A `Message` in this language (a plain str is shown as it is)."""
        if isinstance(message, str):
            return message
        if message.plural is None:
            return self.gettext(message.singular, **message.params)
        return self.ngettext(message.singular, message.plural, message.n, **message.params)

    def _format(self, text: str, source: str, params: Mapping[str, object]) -> str:
        if not params:
            return text
        values = {k: self.text(v) if isinstance(v, Message) else v for k, v in params.items()}
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English, logged
            log.error("%s: the translation of %r does not fit its placeholders", self.code,
                      source)
            return source.format(**values)

    def day_name(self, day: date) -> str:
        """"Monday", "Montag"."""
        return format_date(day, "EEEE", locale=self.locale)

    def day(self, day: date) -> str:
        """The weekday and the date without the year: "Monday, March 2", "Montag, 2. März"."""
        return format_date(day, _day_pattern(self.locale), locale=self.locale)


@functools.cache
def _day_pattern(locale: Locale) -> str:
    """The locale's own order for month, day and weekday, with the weekday written out."""
    skeletons = locale.datetime_skeletons
    pattern = str(skeletons[match_skeleton("MMMMEd", skeletons)])
    parts = re.split(r"('[^']*')", pattern)  # quoted literals stay as they are
    return "".join(p if p.startswith("'") else re.sub(r"E+|c+", "EEEE", p) for p in parts)


ENGLISH = Language(SOURCE, Locale.parse(SOURCE), gettext.NullTranslations())


@functools.lru_cache(maxsize=64)
def language(locale: str | None) -> Language:
    """The language for a locale as Discord names them ("de", "en-GB", "pt-BR", "es-419"):
    its catalog ("pt_BR", else "pt"), or English, the texts' own language, when there is none
    (unknown or missing locales too). Dates follow the locale when the texts are in its
    language, and English's otherwise."""
    if not locale or not isinstance(locale, str):
        return ENGLISH
    tag = locale.replace("-", "_")
    try:
        parsed = Locale.parse(tag)
    except (ValueError, UnknownLocaleError):
        return ENGLISH
    available = catalogs.languages()
    code = next((c for c in (tag, parsed.language) if c in available), None)
    if code is None:
        return Language(SOURCE, parsed if parsed.language == SOURCE else ENGLISH.locale,
                        ENGLISH._translations)
    return Language(code, parsed, catalogs.translations(code))


__all__ = ["ENGLISH", "Language", "Message", "N_", "NP_", "SOURCE", "language"]
