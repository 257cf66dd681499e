"""The gettext catalogs: `locale/<lang>/LC_MESSAGES/bot.po`, one per language, made from the
template `locale/bot.pot` of every text in the code and the command tree.

The `.po` files are the only form kept: Babel compiles one in memory the first time its
language is needed (`read_po`, `write_mo`, then `gettext.GNUTranslations`), so nothing is
built or committed besides the text a translator edits. `problems` is what the test of the
catalogs reports: for each language, every text without a translation and every translation
whose text is gone, by name.
"""

from __future__ import annotations

import functools
import gettext
import io
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().with_name("locale")
DOMAIN = "bot"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
SOURCE_ROOT = Path(__file__).resolve().parents[1]  # bot/: every module's texts
#: The calls whose literal arguments are texts (`bot.i18n.Language`, `N_`, `NP_`).
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
            "NP_": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)  # a comment starting so, just above a text, reaches the .po
#: The header dates stay put, so that rewriting a catalog changes only what changed.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
WIDTH = 100
HEADER = ("# The texts of session-scheduler. Written by python3 -m bot.discord.languages:\n"
          "# edit the translations (msgstr) only; docs/architecture.md, \"Languages\", says how.")
_HEAD = {"project": "session-scheduler", "version": "1", "domain": DOMAIN,
         "header_comment": HEADER, "msgid_bugs_address": "the project's issue tracker",
         "last_translator": "session-scheduler contributors",
         "language_team": "session-scheduler contributors",
         "creation_date": FIXED_DATE, "revision_date": FIXED_DATE, "fuzzy": False}

__all__ = ["Catalog", "Entry", "languages", "load_all", "problems", "template", "translations",
           "write"]


class Entry(NamedTuple):
    """A text found outside the code's own calls (the command tree)."""

    message: str
    context: str | None
    location: str  # the file that defines it, from the repository's root
    comment: str  # where in the tree, for the translator


@functools.cache
def languages() -> frozenset[str]:
    """The languages with a catalog ("de")."""
    return frozenset(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(code: str) -> Catalog:
    with _path(code).open("rb") as f:
        return read_po(f, locale=code, domain=DOMAIN)


@functools.cache
def translations(code: str) -> gettext.GNUTranslations:
    """A language's catalog compiled in memory (fuzzy entries left out, as gettext does)."""
    compiled = io.BytesIO()
    write_mo(compiled, read(code))
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def load_all() -> None:
    for code in languages():
        translations(code)


# ------------------------------------------------------------------ keeping them current

def _source_entries() -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    yield from extract_from_dir(SOURCE_ROOT, method_map=[("**.py", "python")],
                                keywords=KEYWORDS, comment_tags=COMMENT_TAGS,
                                strip_comment_tags=True)


def template(extra: Iterable[Entry] = ()) -> Catalog:
    """Every text: the code's (`KEYWORDS` calls under bot/) and `extra`."""
    found = Catalog(**_HEAD)
    root = SOURCE_ROOT.name
    for filename, _line, message, comments, context in _source_entries():
        found.add(message, locations=[(f"{root}/{filename}", None)], auto_comments=comments,
                  context=context)
    for e in extra:
        found.add(e.message, locations=[(e.location, None)], auto_comments=[e.comment],
                  context=e.context)
    return found


def _write(path: Path, catalog: Catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, sort_output=True, include_lineno=False,
             ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def write(found: Catalog, add: str | None = None) -> None:
    """Rewrite the template, and each language's catalog from it: new texts empty, texts
    that are gone dropped, translations kept. `add` starts a catalog for a new language."""
    _write(TEMPLATE, found)
    codes = set(languages())
    if add:
        Locale.parse(add)  # refuses a language Babel does not know
        codes.add(add)
    for code in sorted(codes):
        catalog = read(code) if _path(code).exists() else Catalog(locale=code, **_HEAD)
        catalog.update(found, no_fuzzy_matching=True)
        _write(_path(code), catalog)
    languages.cache_clear()
    translations.cache_clear()


# ------------------------------------------------------------------ what is missing

@dataclass(frozen=True)
class _Key:
    id: str | tuple[str, ...]
    context: str | None


def _entries(catalog: Catalog) -> dict[_Key, Message]:
    return {_Key(m.id if isinstance(m.id, str) else tuple(m.id), m.context): m
            for m in catalog if m.id}


def describe(m: Message) -> str:
    text = m.id if isinstance(m.id, str) else " | ".join(m.id)
    where = "; ".join([*(path for path, _ in m.locations), *m.auto_comments])
    context = f"[{m.context}] " if m.context else ""
    return f"{context}{text!r}" + (f" ({where})" if where else "")


def _fields(text: str) -> set[str] | None:
    """The placeholders of a text ({name}); None when it is not a valid format string."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return None


def placeholder_problem(m: Message) -> str | None:
    """What is wrong with a translation's placeholders: one the text lacks, or, for a text
    without a count, one missing (a plural form may leave the count out: "one attempt")."""
    if isinstance(m.id, str):
        wanted, forms = _fields(m.id), [m.string]
    else:
        singular, plural = (_fields(t) for t in m.id)
        wanted = None if singular is None or plural is None else singular | plural | {"n"}
        forms = list(m.string)
    for form in forms:
        got = _fields(form)
        if got is None:
            return f"not a valid text with placeholders: {form!r}"
        if wanted is not None and (got - wanted or (isinstance(m.id, str) and got != wanted)):
            return f"placeholders {sorted(got)} instead of {sorted(wanted)}: {form!r}"
    return None


def problems(found: Catalog) -> list[str]:
    """One line per thing to do: the template out of date, and for each language every text
    without a translation (or marked fuzzy), every translation of a text no longer in the
    code, every translation whose placeholders differ from its text's."""
    lines = []
    wanted = _entries(found)
    kept = {}
    if TEMPLATE.exists():
        with TEMPLATE.open("rb") as f:
            kept = _entries(read_po(f))
    lines += [f"bot.pot: new text, run python3 -m bot.discord.languages: {describe(m)}"
              for k, m in wanted.items() if k not in kept]
    lines += [f"bot.pot: gone from the code, run python3 -m bot.discord.languages: "
              f"{describe(m)}" for k, m in kept.items() if k not in wanted]
    for code in sorted(languages()):
        have = _entries(read(code))
        for key, m in wanted.items():
            t = have.get(key)
            forms = [] if t is None else [t.string] if isinstance(t.string, str) else t.string
            if t is None or not forms or not all(forms):
                lines.append(f"{code}: no translation for {describe(m)}")
            elif t.fuzzy:
                lines.append(f"{code}: marked fuzzy (check it, then remove the flag): "
                             f"{describe(m)}")
            elif problem := placeholder_problem(t):
                lines.append(f"{code}: {describe(m)}: {problem}")
        lines += [f"{code}: translation of a text no longer used: {describe(m)}"
                  for key, m in have.items() if key not in wanted]
    return lines
