"""A run, its preview and publishing in German, through the real bot and the stand-in: the
organiser's private texts follow their client's language, what everyone reads (the timetable's
posts, its pictures, the preview's timetable "as attendees would see it") the server's, with
day names in German."""

from __future__ import annotations

from dataclasses import replace

from bot.event.models import SYSTEM, Publication
from bot.i18n import language
from tests.e2e.bot_harness import answer, make_bot, reply_of
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.personal_harness import dms
from tests.e2e.test_bot_event import assert_no_pings, setup_event
from tests.e2e.test_bot_preview import TITLES, _event


async def _preview(fake: FakeDiscord, ix) -> list:
    """Every private message of a German preview, once its closing line is in."""
    await fake.wait_until(lambda: [s for s in fake.responses(ix.id)
                                   if (s.content or "").startswith("Ende ")],
                          timeout=60, what="the end of the German preview")
    sent = fake.responses(ix.id)
    assert all(s.ephemeral for s in sent)
    return sent


async def test_run_preview_and_publish_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    fake.guild.locale = "de"
    bot, _, announcements = await _event(fake, tmp_path)
    fake.owner.user.locale = "de"

    ix = await fake.slash("admin schedule run", {"seconds": 1}, user=fake.owner)
    sent = await _preview(fake, ix)
    contents = [s.content or "" for s in sent]
    assert "Planung läuft, bis zu 1 s …" in contents  # the progress message as it started
    (figures,) = [s for s in sent if s.embeds
                  and s.embeds[0].get("title", "").startswith("Zeitplan-Version #")]
    assert figures.content.startswith("Fertig in ") and figures.content.endswith(" s.")
    main = figures.embeds[0]
    assert main["title"] in ("Zeitplan-Version #1 (beweisbar beste)",
                             "Zeitplan-Version #1 (beste gefundene)")
    names = [f["name"] for f in main["fields"]]
    assert names[:3] == ["Nutzen", "Anteil an der Schranke",
                         "Gewinn gegenüber der Startheuristik"]
    assert "Personen über der Raumkapazität" in names
    assert main["footer"]["text"] == "Veröffentlichen mit /orga zeitplan veröffentlichen version:1"
    # the pictures: German words, German day names (Babel's), in the descriptions
    (picture,) = [s for s in sent if s.message.get("attachments")]
    assert picture.content == ("Version #1 als Bilder, eines pro Tag (nicht veröffentlicht: "
                               "nur du siehst sie).")
    alts = [a["description"] for a in picture.message["attachments"]]
    assert alts[0].startswith("Camp · Version #1: Montag, 6. Juli.")
    assert alts[1].startswith("Camp · Version #1: Dienstag, 7. Juli.")
    # the timetable as attendees would see it: German day names and words
    days = [e for s in sent for e in s.embeds if e.get("title") in ("Montag", "Dienstag")]
    assert [e["title"] for e in days] == ["Montag", "Dienstag"]
    assert all("Zeiten in deiner eigenen Zeitzone" in e["description"] for e in days)
    shown = str(days)
    assert all(t in shown for t in TITLES)
    assert "Pause" in shown
    assert "So sehen ihn die Teilnehmenden:" in contents
    assert contents[-1] == ("Ende der Vorschau von Version #1: veröffentliche sie mit /orga "
                            "zeitplan veröffentlichen version:1.")

    # the preview of a version, then publishing it
    ix = await fake.slash("admin schedule preview", user=fake.owner)
    again = await _preview(fake, ix)
    assert any((s.content or "").startswith("Version #1, berechnet <t:") for s in again)

    ix = await fake.slash("admin schedule publish", user=fake.owner)
    reply = await reply_of(fake, ix, "publish reply")
    lines = reply.content.split("\n")
    assert lines[0] == "Version #1 veröffentlicht."
    assert f"Zeitplan in <#{announcements.id}>: 2 Tage gepostet." in lines
    assert "Bilder des Zeitplans gepostet: 2 Bilder für 2 Tage." in lines
    posted = fake.messages_in(announcements)
    titles = [m["embeds"][0]["title"] for m in posted if m.get("embeds")]
    assert titles == ["Montag", "Dienstag"]
    (pictures,) = [m for m in posted if m.get("attachments")]
    assert pictures["content"] == "Der Zeitplan als Bilder, eines pro Tag (Version #1)."
    assert pictures["attachments"][0]["description"].startswith("Camp: Montag, 6. Juli.")

    # /schedule and /myschedule in the reader's language, days named and picked in German
    cb = await answer(fake, "schedule", user=fake.owner)
    assert cb.content == "Dein Interesse: ★★ (sehr), ★ (ja), ☆ (ein wenig)"
    assert [e["title"] for e in cb.embeds] == ["Montag", "Dienstag"]
    ix = await fake.autocomplete("schedule", "day", "dien", user=fake.owner)
    choices = (await fake.wait_for_response(ix.id)).choices
    assert choices == [{"name": "Dienstag, 7. Juli", "value": "2026-07-07"}]
    cb = await answer(fake, "schedule", {"day": "dienstag"}, user=fake.owner)  # typed
    assert [e["title"] for e in cb.embeds] == ["Dienstag"]
    cb = await answer(fake, "schedule", {"day": "2026-07-09"}, user=fake.owner)
    assert cb.content.startswith("Diesen Tag gibt es im Zeitplan nicht")
    cb = await answer(fake, "myschedule", user=fake.owner)
    assert cb.content.startswith("Dein Plan hängt als Kalenderdatei an")
    assert cb.embeds[0]["title"] == "Mein Zeitplan"

    # change notices, sent by direct message in the server's language: as if the version
    # published before had the day's first two sessions in each other's slots
    guild = fake.guild.id
    tt = await bot.service.published_timetable(guild, SYSTEM)
    day = tt.days[0]
    a, b = [i for i, ps in enumerate(day.slots) if ps.entries][:2]
    slots = list(day.slots)
    slots[a], slots[b] = (replace(day.slots[a], entries=day.slots[b].entries),
                          replace(day.slots[b], entries=day.slots[a].entries))
    before = replace(tt, version_id=0, days=(replace(day, slots=tuple(slots)), *tt.days[1:]))
    version = (await bot.service.schedule_versions(guild, SYSTEM))[-1]
    published = Publication(guild, version, 0, await bot.service.settings(guild, SYSTEM), tt,
                            (await bot.service.timetable(guild, SYSTEM)).rooms, before)
    line = await bot.notices.tell_moves(published)
    assert language("de").text(line) == ("2 Sessions verschoben: 1 Person per Direktnachricht "
                                         "benachrichtigt.")
    (told,) = dms(fake, fake.owner)
    assert told.startswith("📅 Der Zeitplan von Camp hat sich für 2 Sessions geändert, die dich "
                           "betreffen:")
    assert "wurde von <t:" in told and "· _deine Session_" in told
    assert told.endswith("-# Dein aktualisierter Plan: /mein-zeitplan auf dem Server.")
    assert_no_pings(fake)


async def test_an_english_organiser_in_a_german_server(fake_discord: FakeDiscord,
                                                       tmp_path) -> None:
    """The organiser's replies in English (their client), the posts everyone reads in German
    (the server's language)."""
    fake = fake_discord
    fake.guild.locale = "de"
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    _, announcements = await setup_event(fake)
    ix = await fake.slash("admin schedule publish", user=fake.owner)
    refused = await reply_of(fake, ix, "refusal")
    assert refused.content == "Nothing to publish yet: run /admin schedule run first."
    fake.owner.user.locale = "de"
    ix = await fake.slash("admin schedule publish", user=fake.owner)
    refused = await reply_of(fake, ix, "refusal")
    assert refused.content == ("Noch nichts zu veröffentlichen: starte zuerst /orga zeitplan "
                               "berechnen.")
    assert fake.messages_in(announcements) == []


async def test_the_days_agenda_and_up_next_in_the_servers_language(fake_discord: FakeDiscord,
                                                                   tmp_path) -> None:
    """The announcer's posts, sent by a timed job with no reader to ask, speak the server's
    language; the organiser (an English app) is answered in English all along."""
    from datetime import UTC, datetime

    from tests.e2e.bot_harness import Clock, publish, run_schedule
    fake = fake_discord
    fake.guild.locale = "de"
    clock = Clock(datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    bot = await fake.connect(await make_bot(fake, tmp_path / "a.sqlite", clock))
    _, channel = await setup_event(fake)
    for title in TITLES:
        await answer(fake, "propose", {"title": title, "description": "d"}, user=fake.owner)
    figures = await run_schedule(fake)
    assert figures.content.startswith("Done in")
    assert (await publish(fake)).content.startswith("Published version #1.")
    plan = sorted(await bot.announcer.plan(fake.guild.id), key=lambda p: p.at)
    agenda, up_next = plan[:2]
    assert (agenda.kind, up_next.kind) == ("agenda", "up-next")

    def titles() -> list[str]:
        return [m["embeds"][0]["title"] for m in fake.messages_in(channel)
                if m.get("embeds") and m["embeds"][0]["title"].startswith(("Heute", "Als"))]
    for n, due in enumerate((agenda, up_next), 1):
        clock.now = due.at - 0.3  # APScheduler fires it for real
        await bot.announcer.rebuild(fake.guild.id)
        await fake.wait_until(lambda n=n: len(titles()) == n, timeout=10, what=due.kind)
    assert titles() == ["Heute: Montag", "Als Nächstes"]
    posted = [m["embeds"][0] for m in fake.messages_in(channel) if m.get("embeds")]
    up = posted[-1]
    assert up["description"].startswith("Beginnt <t:")
    when = next(f["value"] for f in up["fields"] if f["name"] == "Wann")
    assert when.endswith("Ortszeit Brussels)")
    assert_no_pings(fake)
