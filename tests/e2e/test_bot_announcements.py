"""Announcements: armed from the published timetable, fired by APScheduler at the planned
time (the clock is injected), never doubled after a restart, missed-but-recent ones sent once."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.bot_harness import Clock, answer, make_bot, publish, restart_bot, run_schedule
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_bot_event import assert_no_pings, setup_event


def announcements(fake: FakeDiscord, channel) -> list[str]:
    return [m["embeds"][0]["title"] for m in fake.messages_in(channel)
            if m["embeds"] and m["embeds"][0]["title"].startswith(("Up next", "Today"))]


async def test_announcements_fire_once_across_restarts(fake_discord: FakeDiscord,
                                                       tmp_path) -> None:
    fake = fake_discord
    db = tmp_path / "a.sqlite"
    clock = Clock(datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    bot = await fake.connect(await make_bot(fake, db, clock))
    _, channel = await setup_event(fake)
    for title in ("Live patching", "Rust in anger", "CP-SAT for fun", "Lightning talks",
                  "Knitting", "Go"):
        await answer(fake, "propose", {"title": title, "description": "d"}, user=fake.owner)
    await run_schedule(fake)
    await publish(fake)
    assert len([m for m in fake.messages_in(channel) if m["embeds"]]) == 2  # + the picture

    guild = fake.guild.id
    plan = sorted(await bot.announcer.plan(guild), key=lambda p: p.at)
    assert {p.kind for p in plan} == {"agenda", "up-next"}
    assert bot.announcer.pending_jobs() == sorted(p.job_id for p in plan)
    assert announcements(fake, channel) == []
    first, second, third = plan[:3]
    assert first.kind == "agenda" and second.kind == "up-next"

    # the clock just before the first announcement: APScheduler fires it for real
    clock.now = first.at - 0.3
    assert await bot.announcer.rebuild(guild) == []
    await fake.wait_until(lambda: announcements(fake, channel), timeout=5, what="agenda")
    assert announcements(fake, channel) == ["Today: Monday"]

    # restart right after it: not sent again
    clock.now = first.at + 30
    bot = await restart_bot(fake, bot, db, clock)
    assert bot.announcer.sent == 0
    assert announcements(fake, channel) == ["Today: Monday"]
    assert first.job_id not in bot.announcer.pending_jobs()

    # down while the second was due: sent once on start (catch-up), never twice
    clock.now = second.at + 60
    bot = await restart_bot(fake, bot, db, clock)
    await fake.wait_until(lambda: len(announcements(fake, channel)) == 2, what="catch-up")
    bot = await restart_bot(fake, bot, db, clock)
    assert announcements(fake, channel) == ["Today: Monday", "Up next"]
    up_next = fake.messages_in(channel)[-1]["embeds"][0]
    assert "<t:" in up_next["description"] and "**" in up_next["description"]
    # a physical event (the example's Main hall is a place): its own time beside the reader's
    when = next(f["value"] for f in up_next["fields"] if f["name"] == "When")
    assert when.startswith("<t:") and when.endswith("Brussels time)")
    agenda = next(m for m in fake.messages_in(channel)
                  if m["embeds"] and m["embeds"][0]["title"] == "Today: Monday")["embeds"][0]
    assert agenda["description"].startswith("**<t:") and ":D>**" in agenda["description"]

    # long missed ones are skipped, not sent late
    clock.now = third.at + 3600
    bot = await restart_bot(fake, bot, db, clock)
    assert len(announcements(fake, channel)) == 2
    assert_no_pings(fake)
