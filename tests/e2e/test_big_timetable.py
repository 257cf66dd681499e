"""A real event day, 12 slots × 12 rooms with long titles and 300 attendees: the posted
timetable, /schedule, the agenda and "up next" show every session, each message within
Discord's limits (the stand-in refuses any message over them), and re-publishing edits the
same messages in place and deletes the parts no longer needed."""

from __future__ import annotations

import random
import re

from bot.discord.proposals import post_session
from bot.event.models import Actor
from tests.e2e.bot_harness import make_bot, publish
from tests.e2e.fake_discord import FakeDiscord

SLOTS, ROOMS, ATTENDEES = 12, 12, 300


def _title(i: int) -> str:
    return (f"Session {i:03d} on a long topic " + "with many words " * 6)[:100].strip()


def _text(messages: list) -> str:
    """Every field value, description and content of the given stored messages or records."""
    parts = []
    for m in messages:
        data = m if isinstance(m, dict) else m.message
        parts.append(data.get("content") or "")
        for e in data.get("embeds") or []:
            parts.append(e.get("description") or "")
            parts += [f["value"] for f in e.get("fields") or []]
    return "\n".join(parts)


def _count(responses: list) -> int:
    """How many messages /schedule says it sends (its first one says so)."""
    m = re.search(r"the timetable in (\d+) messages", responses[0].content or "")
    return int(m[1]) if m else 1


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


async def _big_event(bot, fake: FakeDiscord):
    guild = fake.guild.id
    owner = Actor(fake.owner.id, "owner", True)
    proposals, announcements = fake.add_channel("proposals"), fake.add_channel("announcements")
    await bot.service.setup_event(guild, owner, name="Big camp")
    settings = await bot.service.update_settings(
        guild, owner, verification_required=False, proposals_channel_id=proposals.id,
        announcements_channel_id=announcements.id)
    day = await bot.service.add_day(guild, owner, "2026-07-06", "Main day")
    for s in range(SLOTS):
        start = 8 * 60 + 50 * s
        await bot.service.add_slot(guild, owner, day.id, _hhmm(start), _hhmm(start + 45))
    for r in range(ROOMS):
        await bot.service.add_room(guild, owner, f"Room number {r:02d}", 60)
    sessions = []
    for i in range(SLOTS * ROOMS):  # each by its own proposer (no proposer clash)
        s = await bot.service.propose(guild, Actor(10_000 + i, f"p{i}", True), _title(i),
                                      "A talk.")
        await post_session(bot, settings, s)  # its message and its discussion thread
        sessions.append(s)
    rng = random.Random(7)
    for a in range(ATTENDEES):
        actor = Actor(50_000 + a, f"a{a}", True)
        for s in rng.sample(sessions, 3):
            await bot.service.set_interest(guild, actor, s.id, rng.choice((25, 75, 100)))
    version = await bot.service.run_schedule(guild, owner, time_limit=2)
    assert version.placed == SLOTS * ROOMS
    return announcements, sessions


async def test_a_big_day_is_shown_completely_everywhere(fake_discord: FakeDiscord,
                                                        tmp_path) -> None:
    fake = fake_discord
    bot = await fake.connect(await make_bot(fake, tmp_path / "event.sqlite"))
    announcements, sessions = await _big_event(bot, fake)
    titles = [s.title for s in sessions]

    # publish: the day in several messages, all titles there, thread links kept
    lines = (await publish(fake)).content.split("\n")
    posted = [m for m in fake.messages_in(announcements) if m["embeds"]]
    assert len(posted) > 1
    assert f"Timetable in <#{announcements.id}> (1 day): {len(posted)} messages posted." \
        in lines, lines
    assert [m["embeds"][0]["title"] for m in posted] == [
        f"Main day (part {i} of {len(posted)})" for i in range(1, len(posted) + 1)]
    text = _text(posted)
    missing = [t for t in titles if f"[{t}](https://discord.com/channels/" not in text]
    assert not missing and "more" not in text

    # re-publish: the same messages edited in place, nothing posted anew
    ids = [m["id"] for m in posted]
    lines = (await publish(fake)).content.split("\n")
    assert f"Timetable in <#{announcements.id}> (1 day): {len(posted)} messages updated in " \
        "place." in lines, lines
    assert [m["id"] for m in fake.messages_in(announcements) if m["embeds"]] == ids

    # /schedule (ephemeral): every session, in a reply and followups, own marks included
    ix = await fake.slash("schedule", user=fake.member)
    await fake.wait_for_response(ix.id)
    shown = await fake.wait_until(
        lambda: (r := fake.responses(ix.id)) and any(
            s.ephemeral and s.kind == "followup" for s in r) and len(r) == _count(r) and r,
        what="every /schedule message")
    assert all(s.ephemeral for s in shown) and len(shown) > 1
    text = _text(shown)
    assert not [t for t in titles if f"[{t}](https://discord.com/channels/" not in text]
    assert f"the timetable in {len(shown)} messages" in shown[0].content

    # the day's agenda and "up next" too
    tt = await bot.service.published_timetable(fake.guild.id, Actor(1, "x", True))
    before = len(fake.messages_in(announcements))
    assert await bot.announcements.announce(fake.guild.id, "agenda", tt.days[0])
    agenda = fake.messages_in(announcements)[before:]
    assert agenda[0]["embeds"][0]["title"].startswith("Today: Main day")
    assert not [t for t in titles if t not in _text(agenda)]
    slot = tt.days[0].slots[-1]
    before = len(fake.messages_in(announcements))
    assert await bot.announcements.announce(fake.guild.id, "up-next", slot)
    up_next = _text(fake.messages_in(announcements)[before:])
    assert all(e.title in up_next for e in slot.entries)

    # fewer sessions: the first messages edited in place, the parts no longer needed deleted
    owner = Actor(fake.owner.id, "owner", True)
    for s in sessions[ROOMS * 2:]:
        await bot.service.withdraw_session(fake.guild.id, owner, s.id)
    await bot.service.run_schedule(fake.guild.id, owner, time_limit=1)
    await publish(fake)
    deleted = {s.message_id for s in fake.sent if s.kind == "delete"}
    kept = [m["id"] for m in fake.messages_in(announcements)
            if m["embeds"] and m["embeds"][0]["title"].startswith("Main day")]
    assert kept == ids[:len(kept)] and len(kept) < len(ids)
    assert {int(i) for i in ids[len(kept):]} <= deleted
    text = _text([m for m in fake.messages_in(announcements) if m["id"] in kept])
    assert all(t in text for t in titles[:ROOMS * 2])
    assert not any(t in text for t in titles[ROOMS * 2:])


