"""Languages below Discord: catalogs compiled in memory, fallbacks, plurals, dates, and the
check that names every text still to translate."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Message as PoMessage

from bot import i18n
from bot.event.errors import RateLimited, WrongCode
from bot.i18n import ENGLISH, N_, NP_, catalogs, language

ROOT = Path(__file__).resolve().parents[2]


def test_german_comes_from_the_po_file_compiled_in_memory() -> None:
    assert "de" in catalogs.languages()
    assert list(ROOT.rglob("*.mo")) == []  # nothing compiled is kept
    de = language("de")
    assert de.code == "de"
    assert de.gettext("You are verified!") == "Du bist verifiziert!"
    assert de.gettext("You now have the {role} role.", role="Gast") == (
        "Du hast jetzt die Rolle Gast.")


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "fr", "pt-BR", "xx", "", None, "de-!!"])
def test_a_language_without_a_catalog_reads_english(locale) -> None:
    found = language(locale)
    assert found.code == "en"
    assert found.gettext("You are verified!") == "You are verified!"


def test_plural_forms_follow_the_language() -> None:
    de = language("de")
    one = NP_("{n} more attempt before a 10-minute pause.",
              "{n} more attempts before a 10-minute pause.", 1)
    three = NP_("{n} more attempt before a 10-minute pause.",
                "{n} more attempts before a 10-minute pause.", 3)
    assert de.text(one) == "Noch 1 Versuch vor einer Pause von 10 Minuten."
    assert de.text(three) == "Noch 3 Versuche vor einer Pause von 10 Minuten."
    assert str(three) == "3 more attempts before a 10-minute pause."


def test_dates_and_day_names_in_the_readers_language() -> None:
    monday = date(2026, 3, 2)
    assert language("de").day_name(monday) == "Montag"
    assert language("de").day(monday) == "Montag, 2. März"
    assert language("en-GB").day(monday) == "Monday 2 March"
    assert language("en-US").day(monday) == "Monday, March 2"
    assert ENGLISH.day_name(monday) == "Monday"
    assert language("fr").day(monday) == "Monday, March 2"  # English texts, English dates


def test_a_refusal_of_the_rules_renders_in_either_language() -> None:
    e = WrongCode(N_("That code is not right. {more}",
                     more=N_("No attempts left: try again in 10 minutes.")))
    assert e.user_message == "That code is not right. No attempts left: try again in 10 minutes."
    assert language("de").text(e.message) == (
        "Dieser Code stimmt nicht. Keine Versuche mehr übrig: Versuch es in 10 Minuten wieder.")
    limited = RateLimited(30)
    assert limited.user_message == "Too many wrong attempts. Try again in 1 minute."
    assert language("de").text(limited.message) == (
        "Zu viele falsche Versuche. Versuch es in 1 Minute wieder.")
    plain = RateLimited(120, "Not yet")  # words not marked yet: English everywhere
    assert language("de").text(plain.message) == "Not yet. Versuch es in 2 Minuten wieder."


def test_a_translation_with_broken_placeholders_falls_back_to_english(caplog) -> None:
    broken = i18n.Language("xx", ENGLISH.locale, _Broken())
    assert broken.gettext("You now have the {role} role.", role="Gast") == (
        "You now have the Gast role.")
    assert "placeholders" in caplog.text


class _Broken:
    def gettext(self, message: str) -> str:
        return "Du hast {rolle}."


def test_the_check_names_new_and_unused_texts() -> None:
    found = catalogs.template()
    found.add("A text nobody translated yet", locations=[("bot/discord/new.py", None)])
    del found["You are verified!"]
    lines = catalogs.problems(found)
    assert "de: no translation for 'A text nobody translated yet' (bot/discord/new.py)" in lines
    assert any(line.startswith("bot.pot: new text") and "A text nobody" in line
               for line in lines)
    assert any(line.startswith("de: translation of a text no longer used: 'You are verified!'")
               for line in lines)


@pytest.mark.parametrize("msgid, msgstr, problem", [
    ("The code is `{code}`.", "Der Code lautet `{code}`.", None),
    ("The code is `{code}`.", "Der Code lautet.", "placeholders [] instead of ['code']"),
    ("The code is `{code}`.", "Der Code lautet `{kode}`.", "placeholders ['kode']"),
    ("The code is `{code}`.", "Der Code {", "not a valid text"),
    (("{n} more attempt", "{n} more attempts"), ("Noch ein Versuch", "Noch {n} Versuche"), None),
    (("{n} more attempt", "{n} more attempts"), ("Noch {m}", "Noch {n} Versuche"),
     "placeholders ['m']"),
])
def test_placeholders_of_a_translation_are_checked(msgid, msgstr, problem) -> None:
    found = catalogs.placeholder_problem(PoMessage(msgid, msgstr))
    assert (found is None) if problem is None else (problem in found)
