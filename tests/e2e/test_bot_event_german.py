"""A whole small event in German, through the real bot and the Discord stand-in: a server whose
preferred locale is German and people whose clients are German. Verification, proposals (by
options and by the form, one waiting for approval with its notice, the list and the proposer's
message), interest (command and buttons), a session's and an attendee's availability, /help,
reminders on, a solve, publishing and a reminder: every reply and post of these features is
German, the buttons everyone sees speak the server's language.

The setup, the timetable import, the run's preview and publishing are other features' (their
own German tests check their words); here they only lead to the reminder."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.event.models import SYSTEM
from tests.e2e.bot_harness import (
    CODE,
    EXAMPLE_TOML,
    Clock,
    answer,
    answered,
    make_bot,
    my_level,
    reply_of,
    session_id,
)
from tests.e2e.fake_discord import FakeDiscord, Upload
from tests.e2e.personal_harness import dms, slot_of
from tests.e2e.test_bot_event import assert_no_pings

#: English words that must not appear in what the German event shows of these features.
ENGLISH = re.compile(r"\b(?:the|your|you|is|are|session is|waits|approval|interest in)\b")


def german(member) -> None:
    member.user.locale = "de"


async def verify(fake: FakeDiscord, member) -> None:
    """/verify with the event's code, in German, until the role is given."""
    cb = await answer(fake, "verify", {"code": CODE.lower()}, user=member)
    assert cb.content.startswith("Du bist verifiziert!"), cb.content
    role = fake.guild.role_by_name("Teilnehmende")  # the server's language names it
    await fake.wait_until(lambda: role.id in member.roles, what="the attendee role given")


def english_free(text: str) -> bool:
    """No English sentence words (titles and names aside, which the tests choose German-free)."""
    return not ENGLISH.search(text)


async def setup(fake: FakeDiscord) -> tuple:
    proposals = fake.add_channel("vorschlaege")
    announcements = fake.add_channel("ankuendigungen")
    moderation = fake.add_channel("moderation")
    reply = await answered(fake, "admin setup", {
        "name": "Camp", "timezone": "Europe/Brussels", "proposals_channel": proposals,
        "announcements_channel": announcements, "moderation_channel": moderation},
        user=fake.owner)
    assert reply.ephemeral and CODE in reply.content
    reply = await answered(fake, "admin timetable import",
                           {"file": Upload("timetable.toml", EXAMPLE_TOML.read_bytes())},
                           user=fake.owner)
    assert reply.ephemeral
    return proposals, announcements, moderation


async def run_and_publish(fake: FakeDiscord) -> str:
    """/admin schedule run (private, deferred), once its preview is all sent, then publish;
    the organiser's reply to the publish."""
    ix = await fake.slash("admin schedule run", {"seconds": 1}, user=fake.owner)
    deferred = await fake.wait_for_response(ix.id)
    assert deferred.type == 5 and deferred.ephemeral
    # the preview's closing line
    await fake.wait_until(lambda: [s for s in fake.responses(ix.id)
                                   if (s.content or "").startswith("Ende der Vorschau")],
                          timeout=60, what="the end of the preview")
    assert all(s.ephemeral for s in fake.responses(ix.id))
    ix = await fake.slash("admin schedule publish", user=fake.owner)
    return (await reply_of(fake, ix, "publish reply")).content


async def test_whole_event_in_german(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    fake.guild.locale = "de"
    german(fake.owner)
    german(fake.member)
    clock = Clock(datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    bot = await fake.connect(await make_bot(fake, tmp_path / "de.sqlite", clock))
    proposals, announcements, moderation = await setup(fake)

    # /help before taking part: the attendee view, commands named as a German client shows
    cb = await answer(fake, "help")
    text = "\n".join(f"{e.get('title')}\n{e.get('description')}" for e in cb.embeds)
    assert cb.ephemeral and cb.embeds[0]["title"] == "Mitmachen bei Camp"
    assert "/verifizieren mit dem Code" in text and f"<#{proposals.id}>" in text
    assert "**/vorschlagen**: Eine Session vorschlagen" in text
    assert "**/mein-zeitplan**" in text and "/orga" not in text
    cb = await answer(fake, "help", {"view": "organiser"})
    assert cb.ephemeral and cb.content.startswith("Die Orga-Ansicht ist für Mitglieder")
    cb = await answer(fake, "help", user=fake.owner)
    assert cb.embeds[0]["title"] == "Die Veranstaltung leiten: erste Schritte"
    assert "/orga zeitplan berechnen" in cb.embeds[0]["description"]

    # verification (German already); a proposal before verifying waits, the organisers hear
    await verify(fake, fake.member)
    waiting = fake.add_member("wartend")
    german(waiting)
    cb = await answer(fake, "propose", {"title": "Vor dem Verifizieren", "description": "x"},
                      user=waiting)
    assert cb.ephemeral and cb.content.startswith("**Vor dem Verifizieren** (#"), cb.content
    assert "wartet sie auf Freigabe durch die Orga" in cb.content
    assert f"erscheint sie in <#{proposals.id}>" in cb.content
    assert "/verifizieren code:<code>" in cb.content and english_free(cb.content)
    notice = await fake.wait_until(lambda: fake.messages_in(moderation), what="the notice")
    assert "wartet auf Freigabe: /orga vorschlag liste." in notice[0]["content"]
    assert notice[0]["embeds"][0]["description"].startswith("*⏳ Wartet auf die Freigabe")
    pending = session_id(cb.content)

    # the organiser's list, in their language; approve with a word for the proposer (a DM
    # in the server's language)
    ix = await fake.slash("admin proposal list", user=fake.owner)
    cb = await fake.wait_for_response(ix.id)
    assert cb.embeds[0]["author"]["name"] == "Wartet auf Freigabe: 1 von 1"
    assert cb.embeds[0]["footer"]["text"] == f"Session #{pending} · vorgeschlagen von wartend"
    labels = [b.get("label") for b in cb.data["components"][0]["components"]]
    assert labels == ["◀", "▶", "Freigeben", "Ablehnen…"]
    cb = await answer(fake, "admin proposal approve",
                      {"session": str(pending), "reason": "Passt gut"}, user=fake.owner)
    assert cb.content == f"**Vor dem Verifizieren** (#{pending}) freigegeben."
    told = await fake.wait_until(lambda: dms(fake, waiting), what="the approval DM")
    assert told[0].startswith("Dein Vorschlag **Vor dem Verifizieren** für **Camp** wurde "
                              "freigegeben")
    assert told[0].endswith("Die Orga sagt: Passt gut")

    # another waits; rejecting it from the list asks why, in the organiser's language
    cb = await answer(fake, "propose", {"title": "Zu spät", "description": "y"}, user=waiting)
    late = session_id(cb.content)
    ix = await fake.slash("admin proposal list", user=fake.owner)
    cb = await fake.wait_for_response(ix.id)
    reject = cb.data["components"][0]["components"][3]
    (page,) = fake.responses(ix.id)
    press = await fake.click(reject["custom_id"], message=page.message_id, user=fake.owner)
    form = await fake.wait_for_response(press.id)
    assert form.type == 9 and form.data["title"] == "Einen Vorschlag ablehnen"
    assert form.data["components"][0]["components"][0]["label"] == (
        "Warum (geht an die vorschlagende Person; optional)")
    submit = await fake.submit_modal(press, {"reject:reason": "Kein Platz mehr"})
    upd = await fake.wait_for_response(submit.id)
    assert f"**Zu spät** (#{late}) abgelehnt." in upd.data["embeds"][0]["description"]
    assert upd.data["embeds"][0]["title"] == "Keine Vorschläge warten auf Freigabe"
    told = await fake.wait_until(lambda: dms(fake, waiting)[1:], what="the rejection DM")
    assert told[0] == ("Dein Vorschlag **Zu spät** für **Camp** wurde nicht angenommen.\n"
                       "Die Orga sagt: Kein Platz mehr")

    # propose by options: public at once; the post's buttons in the server's language
    cb = await answer(fake, "propose", {"title": "Live-Patching", "description": "Kernel"})
    assert cb.content.startswith("**Live-Patching** (#") and "Sie ist öffentlich" in cb.content
    first_id = session_id(cb.content)
    post = await fake.wait_until(lambda: [m for m in fake.messages_in(proposals)
                                          if m["embeds"][0]["title"] == "Live-Patching"],
                                 what="the post")
    buttons = post[0]["components"][0]["components"]
    assert [b["label"] for b in buttons] == ["Gar nicht", "Ein wenig", "Ja", "Sehr"]
    linked = await fake.wait_until(lambda: [m for m in fake.messages_in(proposals)
                                            if m["id"] == post[0]["id"] and m["embeds"][0].get(
                                                "fields")], what="the thread's link")
    assert linked[0]["embeds"][0]["fields"][0]["name"] == "Diskussion"
    assert linked[0]["embeds"][0]["footer"]["text"].endswith("vorgeschlagen von member")

    # propose by the form: its title and fields in the proposer's language
    ix = await fake.slash("propose", user=fake.member)
    opened = await fake.wait_for_response(ix.id)
    assert opened.type == 9 and opened.data["title"] == "Eine Session vorschlagen"
    fields = [row["components"][0] for row in opened.data["components"]]
    assert [f["label"] for f in fields] == ["Titel", "Beschreibung"]
    sub = await fake.submit_modal(ix, {"propose:title": "CP-SAT zum Spaß",
                                       "propose:description": "Constraint-Programmierung"})
    cb = await fake.wait_for_response(sub.id)
    assert "**CP-SAT zum Spaß**" in cb.content and "Sie ist öffentlich" in cb.content
    second_id = session_id(cb.content)
    cb = await answer(fake, "propose", {"title": "Rust im Zorn", "description": "Vortrag"},
                      user=fake.owner)
    assert "Sie ist öffentlich" in cb.content
    # a refusal of the rules, in the reader's language
    cb = await answer(fake, "propose", {"title": "rust IM zorn", "description": "noch mal"})
    assert cb.content == ("Es gibt schon eine Session namens „rust IM zorn“; wähle einen "
                          "anderen Titel.")

    cb = await answer(fake, "edit", {"session": str(second_id), "description": "CP-SAT"})
    assert cb.content == f"**CP-SAT zum Spaß** (#{second_id}) aktualisiert."

    # interest: by command and by button
    cb = await answer(fake, "interest", {"session": str(second_id), "level": 75})
    assert cb.content == "Dein Interesse an „CP-SAT zum Spaß“ ist jetzt **ja**."
    third = fake.add_member("dritte")
    german(third)
    await verify(fake, third)
    press = await fake.click(f"interest:{first_id}:100", user=third)
    cb = await fake.wait_for_response(press.id)
    assert cb.content == "Dein Interesse an „Live-Patching“ ist jetzt **sehr**."
    assert await my_level(bot, fake, third, first_id) == 100

    # a session's availability and what the scheduler is told, an attendee's availability
    days = await fake.autocomplete("session availability", "days", "",
                                   {"session": str(first_id)}, user=fake.member)
    choices = (await fake.wait_for_response(days.id)).choices
    assert choices[0]["name"].startswith("Tag #") and "Montag, 6. Juli" in choices[0]["name"]
    cb = await answer(fake, "session availability",
                      {"session": str(first_id), "days": choices[0]["value"]})
    assert cb.content.startswith(f"**Live-Patching** (#{first_id}) kann jetzt stattfinden: ")
    cb = await answer(fake, "session availability", {"session": str(first_id), "slots": "x1"})
    assert cb.content == ("„x1“ ist keine Zeitfensternummer: Wähle Zeitfenster aus der Liste "
                          "(durch Kommas getrennt).")
    cb = await answer(fake, "session show", {"session": str(first_id)})
    assert "Leitung: <@" in cb.content and "Länge: 1 Zeitfenster" in cb.content
    assert "Track: keiner" in cb.content
    cb = await answer(fake, "availability", user=third)
    assert cb.content == ("Du bist da: in jedem Zeitfenster der Veranstaltung. Der Planer zählt "
                          "dein Interesse nur in diesen Zeitfenstern.")

    # reminders on
    cb = await answer(fake, "remind on", user=third)
    assert cb.content.startswith("Erinnerungen an: Ich schicke dir 10 Minuten vor jeder "
                                 "Session"), cb.content
    assert "/mein-zeitplan" in cb.content

    # the run and the publish (their texts belong to the run's and the embeds' helpers)
    reply = await run_and_publish(fake)
    assert re.search(r"^Discord-Events: .*unverändert", reply, re.M), reply
    days_posted = [m for m in fake.messages_in(announcements) if m["embeds"]]
    assert days_posted

    # the reminder before third's session: a DM in the server's language
    tt = await bot.service.published_timetable(fake.guild.id, SYSTEM)
    start = slot_of(tt, first_id).slot.start.timestamp()
    clock.now = start - 10 * 60 - 0.3
    await bot.reminders.rebuild(fake.guild.id)
    reminder = await fake.wait_until(lambda: dms(fake, third), what="the reminder")
    assert reminder[0].startswith("⏰ **Live-Patching** beginnt <t:"), reminder[0]
    assert "Du wolltest Erinnerungen 10 Minuten vor deinen Sessions; /erinnern aus" in (
        reminder[0])

    # withdrawing, in the reader's language; its post shows it with the buttons disabled
    cb = await answer(fake, "withdraw", {"session": str(second_id)})
    assert cb.content == f"**CP-SAT zum Spaß** (#{second_id}) zurückgezogen."
    cb = await answer(fake, "interest", {"session": str(second_id), "level": 100}, user=third)
    assert cb.content in ("Diese Session gibt es nicht.",
                          "Nur für öffentliche Sessions kann man Interesse angeben; diese "
                          "wurde zurückgezogen.")
    assert_no_pings(fake)
