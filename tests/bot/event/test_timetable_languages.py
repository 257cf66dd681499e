"""The timetable's and the uploads' refusals keep their words for the reader: each is one
message, rendered in English (`user_message`) or in German (`language("de").text`), naming
where in the file the problem is; the day's name follows the reader's language."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.event.base import check_id, published_count_message
from bot.event.errors import InvalidInput, NotFound
from bot.event.export_model import read_export
from bot.event.times import day_name
from bot.event.timetable_toml import parse_timetable
from bot.i18n import ENGLISH, language
from bot.storage import transfer

GERMAN = language("de")


def refusal(call, *args) -> InvalidInput:
    with pytest.raises(InvalidInput) as e:
        call(*args)
    return e.value


@pytest.mark.parametrize(("toml", "english", "german"), [
    ('[[rooms]]\nname = "Aula"\ncapacity = 0\n',
     "room 1 (Aula): capacity must be a whole number of at least 1.",
     "Raum 1 (Aula): capacity muss eine ganze Zahl von mindestens 1 sein."),
    ('[[days]]\ndate = 2026-07-08\n[[days]]\ndate = 2026-07-08\n',
     "day 2: the date 2026-07-08 appears twice.",
     "Tag 2: Das Datum 2026-07-08 kommt zweimal vor."),
    ('[[days]]\ndate = 2026-07-08\nslots = [{ start = "09:00", end = "10:00" }, '
     '{ start = "09:30", end = "10:30" }]\n',
     "day 1 (2026-07-08): two slots overlap.",
     "Tag 1 (2026-07-08): Zwei Zeitfenster überschneiden sich."),
    ('[[days]]\ndate = 2026-07-08\nslots = [{ start = "9", end = "10:00" }]\n',
     "The start of day 1 (2026-07-08), slot 1 must be a time of day such as 09:30.",
     "Die Angabe „Beginn von Tag 1 (2026-07-08), Zeitfenster 1“ muss eine Uhrzeit wie 09:30 "
     "sein."),
    ('[[days]]\ndate = 1999-01-01\n',
     "The date of day 1 (1999-01-01) must be in the years 2000 to 2100.",
     "Die Angabe „Datum von Tag 1“ (1999-01-01) muss in den Jahren 2000 bis 2100 liegen."),
    ('colour = "blue"\n',
     "the timetable: unknown key colour; allowed: days, rooms, timezone.",
     "das Raster: unbekannter Schlüssel colour; erlaubt: days, rooms, timezone."),
    ('timezone = "Mars/Olympus"\n',
     "Unknown timezone 'Mars/Olympus': use an IANA name such as Europe/Brussels or UTC.",
     "Unbekannte Zeitzone 'Mars/Olympus': Nimm einen IANA-Namen wie Europe/Berlin oder UTC."),
    ("a.b.c.d.e = 1\n",
     "The timetable file has a dotted key of more than 4 parts (like a.b.c…) on line 1; write "
     "it with fewer parts.",
     "Die Rasterdatei hat in Zeile 1 einen Schlüssel mit Punkten aus mehr als 4 Teilen (wie "
     "a.b.c…); schreib ihn mit weniger Teilen."),
])
def test_a_refused_timetable_in_english_and_german(toml: str, english: str, german: str
                                                   ) -> None:
    e = refusal(parse_timetable, toml, "UTC")
    assert e.user_message == english
    assert GERMAN.text(e.message) == german


def test_a_refused_export_names_its_problems_in_the_readers_language() -> None:
    doc = {"format": transfer.FORMAT, "format_version": 3, "event": {}}
    e = refusal(read_export, json.dumps(doc))
    assert e.user_message.startswith("The export file was not imported, nothing changed: "
                                     "event, name: missing.")
    assert e.user_message.endswith("more problems)")
    german = GERMAN.text(e.message)
    assert german.startswith("Die Exportdatei wurde nicht importiert, nichts wurde geändert: "
                             "event, name: fehlt.")
    assert german.endswith("weitere Probleme)")
    e = refusal(read_export, "not json")
    assert GERMAN.text(e.message).startswith("Die Exportdatei ist kein gültiges JSON (")


def test_ids_and_published_sessions_in_whole_sentences() -> None:
    with pytest.raises(NotFound) as e:
        check_id(0, "room")
    assert e.value.user_message == "There is no such room."
    assert GERMAN.text(e.value.message) == "Diesen Raum gibt es nicht."
    assert str(published_count_message(1, "slot")).startswith(
        "This slot holds 1 session of the published schedule. Remove it with force to "
        "unschedule it,")
    assert GERMAN.text(published_count_message(2, "day")).startswith(
        "An diesem Tag liegen 2 Sessions des veröffentlichten Zeitplans.")


def test_day_names_in_the_readers_language() -> None:
    monday = date(2026, 7, 6)
    assert day_name(monday) == "Monday, July 6"
    assert day_name(monday, "", GERMAN) == "Montag, 6. Juli"
    assert day_name(monday, "Day 1", GERMAN) == "Day 1 · Montag, 6. Juli"
    assert day_name(monday, "monday", ENGLISH) == "Monday, July 6"  # the label adds nothing
