"""A whole small event through the real bot and the Discord stand-in: setup, verification,
proposals (options and modal), interest (command, autocomplete, buttons, after a restart),
a solve, publish and re-publish, /schedule, /myschedule."""

from __future__ import annotations

import time

import pytest

from bot.event.codes import SERVER_MAX_FAILURES
from tests.bot.conftest import solving
from tests.e2e.bot_harness import (
    CODE,
    EXAMPLE_TOML,
    answer,
    answered,
    make_bot,
    my_level,
    publish,
    reply_of,
    restart_bot,
    run_schedule,
    session_id,
)
from tests.e2e.fake_discord import FakeDiscord, Upload

NONE = {"parse": []}


async def setup_event(fake: FakeDiscord) -> tuple:
    proposals = fake.add_channel("proposals")
    announcements = fake.add_channel("announcements")
    ix = await fake.slash("admin setup", {"name": "Camp", "timezone": "Europe/Brussels",
                                          "proposals_channel": proposals,
                                          "announcements_channel": announcements},
                          user=fake.owner)
    await fake.wait_for_response(ix.id)
    reply = await reply_of(fake, ix, "setup reply")
    assert reply.ephemeral and CODE in reply.content
    cb = await answered(fake, "admin timetable import",
                      {"file": Upload("timetable.toml", EXAMPLE_TOML.read_bytes())},
                      user=fake.owner)
    assert cb.ephemeral and "Imported 2 days, 10 slots (3 of them breaks)" in cb.content, cb.content
    return proposals, announcements


async def verify(fake: FakeDiscord, member) -> None:
    """/verify with the event's code, until the answer says the role was given (the bot
    answers first, then gives the role)."""
    ix = await fake.slash("verify", {"code": CODE.lower()}, user=member)
    cb = await fake.wait_for_response(ix.id)
    assert cb.ephemeral and "verified" in cb.content, cb.content
    await fake.wait_until(lambda: not fake.responses(ix.id)[-1].content.endswith("…"),
                          what="the attendee role given")


def assert_no_pings(fake: FakeDiscord) -> None:
    for s in fake.sent:
        if s.kind == "delete":
            continue
        assert s.allowed_mentions == NONE, (s.kind, s.body)
        assert not s.pings


async def test_whole_event(fake_discord: FakeDiscord, database: str, beside) -> None:
    """On each engine (on PostgreSQL with a solve worker, as deployed)."""
    fake = fake_discord
    db = database
    bot = await fake.connect(await make_bot(fake, db))
    await beside.enter_async_context(solving(bot.service.db, time.time))
    proposals, announcements = await setup_event(fake)
    attendee = fake.guild.role_by_name("Attendee")
    assert attendee is not None  # created by setup

    # verification: wrong code refused privately, right code gives the role
    cb = await answer(fake, "verify", {"code": "WRONG999"})
    assert cb.ephemeral and "not right" in cb.content and "4 more attempts" in cb.content
    assert attendee.id not in fake.member.roles
    await verify(fake, fake.member)
    assert attendee.id in fake.member.roles

    # a member who has not verified may propose: it waits for an organiser (nothing posted)
    other = fake.add_member("other")
    cb = await answer(fake, "propose", {"title": "Before verifying", "description": "x"},
                      user=other)
    assert cb.ephemeral and "waits for an organiser's approval" in cb.content, cb.content
    assert fake.messages_in(proposals) == []
    await verify(fake, other)
    await fake.wait_until(lambda: attendee.id in other.roles)

    # propose with options; user text with @everyone stays inert
    cb = await answer(fake, "propose", {"title": "Live patching @everyone",
                                        "description": f"hi <@&{attendee.id}>"})
    assert cb.ephemeral and "is public" in cb.content
    post = await fake.wait_until(lambda: fake.messages_in(proposals), what="proposal post")
    first_id = session_id(cb.content)
    buttons = [c["custom_id"] for c in post[0]["components"][0]["components"]]
    assert buttons == [f"interest:{first_id}:{lv}" for lv in (0, 25, 75, 100)]
    assert post[0]["embeds"][0]["title"] == "Live patching @everyone"

    # propose by modal
    ix = await fake.slash("propose", user=other)
    opened = await fake.wait_for_response(ix.id)
    assert opened.type == 9
    sub = await fake.submit_modal(ix, {"propose:title": "CP-SAT for fun",
                                       "propose:description": "constraint programming"})
    cb = await fake.wait_for_response(sub.id)
    assert cb.ephemeral and "CP-SAT for fun" in cb.content
    second_id = session_id(cb.content)
    for title in ("Rust in anger", "Lightning talks"):
        cb = await answer(fake, "propose", {"title": title, "description": "talk"},
                          user=fake.owner)
        assert "is public" in cb.content, cb.content
    await fake.wait_until(lambda: len(fake.messages_in(proposals)) == 4)

    # interest by command, with autocomplete on public titles
    ix = await fake.autocomplete("interest", "session", "cp-", {"level": 100})
    choices = (await fake.wait_for_response(ix.id)).choices
    assert choices == [{"name": "CP-SAT for fun", "value": str(second_id)}]
    cb = await answer(fake, "interest", {"session": str(second_id), "level": 75})
    assert cb.ephemeral and "**yes**" in cb.content

    # interest by button, by a third attendee
    third = fake.add_member("third")
    await verify(fake, third)
    press = await fake.click(f"interest:{first_id}:100", user=third)
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "**very**" in cb.content
    assert await my_level(bot, fake, third, first_id) == 100

    # /sessions shows my own levels
    cb = await answer(fake, "sessions", user=third)
    assert cb.ephemeral and "your interest: **very**" in str(cb.embeds)

    # the solve: deferred, a progress message edited into a preview
    done = await run_schedule(fake)  # deferred, then the progress message edited
    preview = done.embeds[0]
    names = [f["name"] for f in preview["fields"]]
    assert {"Utility", "Of the bound", "Gain over the seed heuristic", "Sessions moved",
            "Unplaced", "Rooms over capacity"} <= set(names)
    assert "People beyond room capacity" in names
    assert "best possible" in preview["description"]  # the engine's plain-words sentence
    cb = await answer(fake, "admin schedule seats", {"on": False}, user=fake.owner)
    assert cb.ephemeral and "Seats count: off" in cb.content

    # /schedule before publishing
    cb = await answer(fake, "schedule")
    assert cb.ephemeral and "not public yet" in cb.content

    # publish: one message per day in the announcements channel
    reply = await publish(fake)
    assert "2 days posted." in reply.content and reply.ephemeral
    days = [m for m in fake.messages_in(announcements) if m["embeds"]]  # and the picture
    assert len(days) == 2 and days[0]["embeds"][0]["title"].startswith("Monday")
    text = str(days)
    assert "<t:" in text and "Live patching @everyone" in text
    ids = [m["id"] for m in days]

    # re-publish: the same messages are edited, none posted anew
    reply = await publish(fake)
    assert "2 days updated in place." in reply.content
    assert [m["id"] for m in fake.messages_in(announcements) if m["embeds"]] == ids
    edits = [s for s in fake.sent if s.kind == "edit" and s.channel_id == announcements.id
             and s.embeds]
    assert len(edits) == 2

    # /schedule marks my choices; /myschedule lists my itinerary
    cb = await answer(fake, "schedule", user=third)
    assert cb.ephemeral and len(cb.embeds) == 2 and "★★ (very) " in str(cb.embeds)
    assert "Your interest: ★★ (very), ★ (yes), ☆ (a little)" in cb.content
    # the day heading is a Discord timestamp; the event's own time beside (a place: Main hall)
    monday = cb.embeds[0]
    assert monday["title"] == "Monday" and monday["description"].startswith("**<t:")
    assert monday["fields"][0]["name"].endswith("(09:30–10:15 Brussels time)")
    # day: one day only, picked from the event's days
    ix = await fake.autocomplete("schedule", "day", "tue", user=third)
    choices = (await fake.wait_for_response(ix.id)).choices
    assert choices == [{"name": "Tuesday, July 7", "value": "2026-07-07"}]
    cb = await answer(fake, "schedule", {"day": "2026-07-07"}, user=third)
    assert cb.ephemeral and [e["title"] for e in cb.embeds] == ["Tuesday"]
    cb = await answer(fake, "schedule", {"day": "monday"}, user=third)  # typed, not picked
    assert [e["title"] for e in cb.embeds] == ["Monday"]
    for wrong in ("2026-07-08", "   "):
        cb = await answer(fake, "schedule", {"day": wrong}, user=third)
        assert cb.ephemeral and not cb.embeds and "no such day" in cb.content
    cb = await answer(fake, "myschedule", user=third)
    assert cb.ephemeral and "Live patching @everyone" in cb.embeds[0]["description"]

    # a button press after a restart still works (persistent buttons)
    bot = await restart_bot(fake, bot, db)
    press = await fake.click(f"interest:{second_id}:25", user=third)
    cb = await fake.wait_for_response(press.id)
    assert cb.ephemeral and "**a little**" in cb.content

    assert_no_pings(fake)


async def test_wrong_codes_hit_the_limit(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    await setup_event(fake)
    for left in (4, 3, 2, 1):
        cb = await answer(fake, "verify", {"code": "NOPE2345"})
        assert f"{left} more attempt" in cb.content
    cb = await answer(fake, "verify", {"code": "NOPE2345"})
    assert "No attempts left" in cb.content
    cb = await answer(fake, "verify", {"code": CODE})
    assert cb.ephemeral and "Try again in" in cb.content
    assert fake.guild.role_by_name("Attendee").id not in fake.member.roles


async def test_dm_is_refused(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    from tests.e2e.fake_discord import InteractionRejected
    with pytest.raises(InteractionRejected):
        await fake.slash("sessions", user=fake.member.user)


async def test_guessing_from_many_accounts_pauses_verification_and_tells_the_owner(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """50 wrong codes from 50 accounts: the 50th answer is still "not right", the owner gets a
    direct message about it (no moderation channel is set), and everyone then waits, the
    right code too."""
    from tests.e2e.personal_harness import dms  # it imports this module
    fake = fake_discord
    await fake.connect(await make_bot(fake, tmp_path / "e.sqlite"))
    await setup_event(fake)
    guessers = [fake.add_member(f"guesser {i}") for i in range(SERVER_MAX_FAILURES)]
    for i, m in enumerate(guessers):
        cb = await answer(fake, "verify", {"code": f"NOPE{i:04d}"}, user=m)
        assert cb.ephemeral and "not right" in cb.content
    told = await fake.wait_until(lambda: dms(fake, fake.owner), what="the owner's notice")
    assert "wrong verification codes" in told[0] and "/admin code rotate" in told[0]
    cb = await answer(fake, "verify", {"code": CODE})
    assert cb.ephemeral and "on this server" in cb.content
    assert len(dms(fake, fake.owner)) == 1  # told once per burst


async def test_verify_while_the_database_is_busy_is_deferred_then_answered(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """Another process holds SQLite's write lock past Discord's 3 seconds: /verify defers
    privately within the window, then says the code was right and gives the role."""
    import asyncio
    import sqlite3

    fake = fake_discord
    db = tmp_path / "e.sqlite"
    await fake.connect(await make_bot(fake, db))
    await setup_event(fake)
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock, as a second process would hold it
        ix = await fake.slash("verify", {"code": CODE}, user=fake.member)
        cb = await fake.wait_for_response(ix.id)
        assert cb.type == 5 and cb.ephemeral and ix.latency < fake.callback_deadline
        await asyncio.sleep(fake.callback_deadline + 0.5 - ix.age())
    finally:
        other.execute("ROLLBACK")
        other.close()
    await fake.wait_until(lambda: [s for s in fake.responses(ix.id)
                                   if s.content and "now have" in s.content],
                          what="the role given")
    assert not ix.rejected_callbacks
    assert fake.guild.role_by_name("Attendee").id in fake.member.roles
