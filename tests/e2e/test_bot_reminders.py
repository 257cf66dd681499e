"""Personal reminders: /remind on|off, one DM before each session of the attendee's itinerary
(APScheduler fires it at the planned time; the clock is injected), none doubled after a
restart, closed DMs recorded and not tried again until /remind on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.event.models import SYSTEM
from tests.e2e.bot_harness import Clock, answer, make_bot, publish, restart_bot, run_schedule
from tests.e2e.fake_discord import FakeDiscord, InteractionRejected
from tests.e2e.personal_harness import (
    dm_attempts,
    dms,
    open_event,
    propose,
    rate,
    slot_of,
)
from tests.e2e.test_bot_event import assert_no_pings


async def test_reminders_reach_exactly_the_expected_attendees_once(fake_discord: FakeDiscord,
                                                                   tmp_path) -> None:
    fake = fake_discord
    db = tmp_path / "r.sqlite"
    clock = Clock(datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    bot = await fake.connect(await make_bot(fake, db, clock))
    await open_event(fake)
    guild = fake.guild.id
    a, b, c, d = (fake.add_member(n) for n in "abcd")
    s1, s2, s3, s4 = [await propose(fake, f"S{i}", fake.owner) for i in range(1, 5)]
    for sid, level, who in ((s1, 100, a), (s1, 75, b), (s2, 100, b), (s3, 25, c), (s4, 75, c),
                            (s1, 100, d)):
        await rate(fake, sid, level, who)

    cb = await answer(fake, "remind on", user=a)
    assert cb.ephemeral and "10 minutes before" in cb.content, cb.content
    cb = await answer(fake, "remind on", {"minutes": 30}, user=b)
    assert "30 minutes before" in cb.content
    await answer(fake, "remind on", user=c)
    with pytest.raises(InteractionRejected):  # out of range, as Discord refuses it
        await fake.slash("remind on", {"minutes": 500}, user=d)
    cb = await answer(fake, "remind off", user=d)
    assert "already off" in cb.content

    await run_schedule(fake)
    await publish(fake)
    tt = await bot.service.published_timetable(guild, SYSTEM)
    ps = {sid: slot_of(tt, sid).slot for sid in (s1, s2, s3, s4)}
    # one job per (attendee with reminders on, slot of a session they want); d is not opted in
    expected = {(a.id, ps[s1].id), (b.id, ps[s1].id), (b.id, ps[s2].id), (c.id, ps[s3].id),
                (c.id, ps[s4].id)}
    assert bot.reminders.pending_jobs() == sorted(f"{guild}:{u}:{s}" for u, s in expected)

    # just before b's reminder (30 min ahead of S1): APScheduler fires it for real
    start = ps[s1].start.timestamp()
    clock.now = start - 30 * 60 - 0.3
    assert await bot.reminders.rebuild(guild) == []
    await fake.wait_until(lambda: dms(fake, b), what="b's reminder")
    assert "**S1**" in dms(fake, b)[0] and f"<t:{int(start)}:R>" in dms(fake, b)[0]
    assert "Main hall" in dms(fake, b)[0] or "Workshop" in dms(fake, b)[0] \
        or "Garden" in dms(fake, b)[0]
    assert dms(fake, a) == []
    clock.now = start - 10 * 60 - 0.3
    await bot.reminders.rebuild(guild)
    await fake.wait_until(lambda: dms(fake, a), what="a's reminder")
    assert "**S1**" in dms(fake, a)[0]
    assert dms(fake, c) == dms(fake, d) == dms(fake, fake.owner) == []
    await fake.wait_until(lambda: bot.reminders.sent == 2, what="the claims let go")

    # a restart before the session starts: both are in the catch-up window, neither resent
    clock.now = start - 120
    bot = await restart_bot(fake, bot, db, clock)
    assert bot.reminders.sent == 0
    assert len(dms(fake, a)) == len(dms(fake, b)) == 1

    # c closed their DMs: the first reminder fails once, is recorded, and nothing is retried
    fake.dms_closed.add(c.id)
    first, second = sorted((ps[s3], ps[s4]), key=lambda s: s.start)
    clock.now = first.start.timestamp() - 10 * 60 - 0.3
    await bot.reminders.rebuild(guild)
    await fake.wait_until(lambda: dm_attempts(fake, c) == 1, what="c's attempt")
    for _ in range(50):
        if await bot.personal.dms_closed(guild, c.id):
            break
        await asyncio.sleep(0.05)
    assert await bot.personal.dms_closed(guild, c.id)
    assert not [j for j in bot.reminders.pending_jobs() if j.startswith(f"{guild}:{c.id}:")]
    clock.now = second.start.timestamp() - 5 * 60  # c's second reminder is due now
    assert await bot.reminders.rebuild(guild) == []
    bot = await restart_bot(fake, bot, db, clock)
    assert dm_attempts(fake, c) == 1 and dms(fake, c) == []

    # c is told why, and /remind on tries again (the second reminder is still ahead of S)
    cb = await answer(fake, "myschedule", user=c)
    assert "DMs are closed" in cb.content
    fake.dms_closed.discard(c.id)
    cb = await answer(fake, "remind on", user=c)
    assert "failed because your DMs were closed" in cb.content
    await fake.wait_until(lambda: dms(fake, c), what="c's reminder after /remind on")
    label = "**S3**" if second == ps[s3] else "**S4**"
    assert label in dms(fake, c)[0]
    assert not await bot.personal.dms_closed(guild, c.id)

    # /remind off: no jobs left for a
    await answer(fake, "remind off", user=a)
    assert not [j for j in bot.reminders.pending_jobs() if j.startswith(f"{guild}:{a.id}:")]
    assert_no_pings(fake)
