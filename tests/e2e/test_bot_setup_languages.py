"""Setting an event up in German through the real bot and the stand-in: /admin setup, its
setup checks, the timetable's commands and its import, refused uploads (a TOML timetable and
a JSON export) and a refused non-organiser, each answered in the reader's client language,
while an English organiser of the same server still reads English."""

from __future__ import annotations

import json

from tests.e2e.bot_harness import EXAMPLE_TOML, answer, answered, make_bot
from tests.e2e.fake_discord import FakeDiscord, Upload
from tests.e2e.test_bot_event import setup_event

DE = "de"


async def test_setup_and_its_checks_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    """A German server: the attendee role the setup creates has a German name; the reply's
    settings and setup checks are German, with the German names of the commands to use."""
    fake = fake_discord
    fake.guild.locale = DE
    bot = await fake.connect(await make_bot(fake, tmp_path / "s.sqlite"))
    proposals = fake.add_channel("vorschlaege")
    reply = await answered(fake, "admin setup", {"name": "Camp", "timezone": "Europe/Berlin",
                                                 "proposals_channel": proposals},
                           user=fake.owner, locale=DE)
    assert reply.ephemeral
    lines = reply.content.split("\n")
    assert lines[0] == "**Camp** (Europe/Berlin)"
    role = next(r for r in fake.guild.roles.values() if r.name == "Teilnehmende")
    assert lines[1] == f"Teilnahme-Rolle: <@&{role.id}>"
    assert lines[2] == "Orga-Rolle: nicht gesetzt"
    assert lines[3] == f"Vorschlagskanal: <#{proposals.id}>"
    assert lines[4] == "Ankündigungskanal: nicht gesetzt"
    assert lines[6] == "Vorschläge: offen · Interesse: offen (/orga phase)"
    assert lines[7] == "Verifizierung erforderlich: an."
    assert lines[8].startswith("Verifizierungscode: ||")
    checks = reply.embeds[0]
    assert checks["title"] == "Einrichtung geprüft: 1 Punkt zu beheben"
    assert checks["description"].split("\n")[0] == (
        "❌ Noch kein Ankündigungskanal: Wähle einen mit /orga einrichten ankündigungskanal:.")
    assert f"✅ Der Vorschlagskanal <#{proposals.id}> ist bereit." in checks["description"]
    await fake.wait_until(lambda: bot.get_guild(fake.guild.id).get_role(role.id),
                          what="the new role in the cache")

    # the same server, an organiser with an English client: English
    reply = await answered(fake, "admin setup", user=fake.owner, locale="en-GB")
    assert reply.content.split("\n")[1] == f"Attendee role: <@&{role.id}>"
    assert reply.embeds[0]["title"] == "Setup checks: 1 to fix"

    cb = await answer(fake, "admin phase", {"proposals": "closed"}, user=fake.owner, locale=DE)
    assert cb.content == "Vorschläge: geschlossen · Interesse: offen"


async def test_the_timetable_commands_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "t.sqlite"))
    await setup_event(fake)  # in English: the example timetable imported
    cb = await answered(fake, "admin timetable import",
                        {"file": Upload("timetable.toml", EXAMPLE_TOML.read_bytes()),
                         "force": True}, user=fake.owner, locale=DE)
    assert cb.content == ("2 Tage, 10 Zeitfenster (davon 3 Pausen) und 3 Räume importiert. "
                          "Prüfe es mit /orga raster anzeigen.")
    cb = await answer(fake, "admin timetable show", user=fake.owner, locale=DE)
    page = cb.embeds[0]
    assert page["title"] == "Raster"
    assert page["description"].startswith("Zeitzone: Europe/Brussels\n**Tag #1** · Monday · ")
    assert "Pause" in page["description"] and page["footer"]["text"].startswith("Seite 1/")

    cb = await answer(fake, "admin day add", {"date": "2026-07-06"}, user=fake.owner,
                      locale=DE)
    assert cb.ephemeral and cb.content == "Am 2026-07-06 gibt es schon einen Tag."
    cb = await answer(fake, "admin day add", {"date": "2026-07-09", "label": "Extra"},
                      user=fake.owner, locale=DE)
    assert cb.content.startswith("Tag #") and cb.content.endswith(
        " hinzugefügt: Extra · Donnerstag, 9. Juli (2026-07-09).")
    cb = await answer(fake, "admin slot lock", {"slot": 1}, user=fake.owner, locale=DE)
    assert cb.content == "Zeitfenster #1 ist fixiert."
    cb = await answer(fake, "admin room add", {"name": "Keller", "capacity": 1},
                      user=fake.owner, locale=DE)
    assert cb.content.endswith(": Keller (1 Platz).") and cb.content.startswith("Raum #")
    cb = await answer(fake, "admin room remove", {"room": 999}, user=fake.owner, locale=DE)
    assert cb.content == "Diesen Raum gibt es nicht."

    # a member without organiser rights, in German (Discord's gate bypassed: the bot re-checks)
    cb = await answer(fake, "admin day remove", {"day": 1}, user=fake.member, locale=DE,
                      bypass_permissions=True)
    assert cb.ephemeral and cb.content.startswith("Das darf nur die Orga:")


async def test_refused_uploads_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    """A timetable with a key it does not know, a slot that ends before it starts, a file in
    UTF-16, an export that is not one: each refused in German, naming where, nothing
    changed; the same refusal in English for an English client."""
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "u.sqlite"))
    await setup_event(fake)

    async def upload(command: str, name: str, data: bytes, locale: str = DE, **more) -> str:
        reply = await answered(fake, command, {"file": Upload(name, data), **more},
                               user=fake.owner, locale=locale)
        assert reply.ephemeral
        return reply.content

    bad_key = b'[[rooms]]\nname = "Aula"\ncapacity = 30\nsize = 2\n'
    assert await upload("admin timetable import", "t.toml", bad_key, force=True) == (
        "Raum 1: unbekannter Schlüssel size; erlaubt: capacity, link, name, voice_channel_id.")
    assert await upload("admin timetable import", "t.toml", bad_key, "en-US", force=True) == (
        "room 1: unknown key size; allowed: capacity, link, name, voice_channel_id.")
    backwards = b'[[days]]\ndate = 2026-07-08\nslots = [{ start = "10:00", end = "09:00" }]\n'
    assert await upload("admin timetable import", "t.toml", backwards, force=True) == (
        "Tag 1 (2026-07-08), Zeitfenster 1: endet vor seinem Beginn.")
    no_time = b'[[days]]\ndate = 2026-07-08\nslots = [{ start = "zehn", end = "11:00" }]\n'
    assert await upload("admin timetable import", "t.toml", no_time, force=True) == (
        "Die Angabe „Beginn von Tag 1 (2026-07-08), Zeitfenster 1“ muss eine Uhrzeit wie "
        "09:30 sein.")
    utf16 = "[[rooms]]\n".encode("utf-16")
    assert await upload("admin timetable import", "t.toml", utf16, force=True) == (
        "Die Rasterdatei ist als UTF-16 gespeichert; speichere sie als UTF-8-Text und hänge sie "
        "erneut an.")
    cb = await answer(fake, "admin timetable show", user=fake.owner)
    assert "Aula" not in cb.embeds[0]["description"]  # nothing changed

    not_export = json.dumps({"hello": "world"}).encode()
    assert await upload("admin import", "e.json", not_export, replace_everything=True) == (
        "Die Datei ist kein Event-Export von session-scheduler (erstellt mit /orga "
        "exportieren).")
    cb = await answer(fake, "admin import", {"file": Upload("e.json", not_export),
                                             "replace_everything": False},
                      user=fake.owner, locale=DE)
    assert cb.content.startswith("Nichts geändert: Ein Import ersetzt das ganze Event")
    assert "alles_ersetzen:True" in cb.content


async def test_a_members_refusal_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    """The attendee gate and the schedule not published yet, in the reader's language."""
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "m.sqlite"))
    await setup_event(fake)
    cb = await answer(fake, "schedule", user=fake.member, locale=DE)
    assert cb.ephemeral and cb.content.startswith(
        "Der Zeitplan ist noch nicht öffentlich: Die Orga veröffentlicht ihn")


async def test_export_and_import_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    """The export's words, the import's count of what it brought, and what it left out
    (another server's channel), in German; a broken row refused in German, naming it."""
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    await setup_event(fake)
    cb = await answer(fake, "admin export", user=fake.owner, locale=DE)
    assert cb.content == "Die Daten des Events:"
    doc = json.loads(cb.files[0].data)
    doc["event"]["announcements_channel_id"] = 999  # another server's channel
    reply = await answered(fake, "admin import",
                           {"file": Upload("e.json", json.dumps(doc).encode()),
                            "replace_everything": True}, user=fake.owner, locale=DE)
    assert reply.content == (
        "Event importiert: 0 Sessions, 10 Zeitfenster, 3 Räume, 0 Bewertungen und 0 "
        "Zeitplan-Versionen.\nWeggelassen, weil sie zu einem anderen Server gehören: der "
        "Ankündigungskanal. Wähle sie mit /orga einrichten neu.")
    doc["rooms"][0]["capacity"] = 0
    reply = await answered(fake, "admin import",
                           {"file": Upload("e.json", json.dumps(doc).encode()),
                            "replace_everything": True}, user=fake.owner, locale=DE)
    assert reply.content == (
        "Die Exportdatei wurde nicht importiert, nichts wurde geändert: rooms, Zeile 1: der "
        "Raum (Main hall): capacity muss eine ganze Zahl von mindestens 1 sein.")
