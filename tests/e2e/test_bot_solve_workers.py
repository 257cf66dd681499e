"""/admin schedule run on PostgreSQL, where solve workers solve: with none running, the
organiser's progress message says so and what starts one; once a worker starts, the run goes
on and its preview arrives in the same private messages."""

from __future__ import annotations

from tests.bot.conftest import solving
from tests.e2e.bot_harness import actor, make_bot, preview_of
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_bot_event import setup_event


async def test_a_run_without_a_worker_says_so_and_goes_on_once_one_starts(
        fake_discord: FakeDiscord, postgres) -> None:
    fake = fake_discord
    db = postgres.new_database()
    bot = await fake.connect(await make_bot(fake, db))
    await setup_event(fake)
    owner = actor(fake.owner, admin=True)
    for i in range(3):
        await bot.service.propose(fake.guild.id, owner, f"Talk {i}", "x")

    run = await fake.slash("admin schedule run", {"seconds": 1}, user=fake.owner)
    waiting = await fake.wait_until(
        lambda: [s for s in fake.responses(run.id)
                 if s.content and s.content.startswith("Waiting for a solve worker")],
        what="the word that no worker runs", timeout=30)
    assert waiting[-1].ephemeral and "`session-scheduler worker`" in waiting[-1].content
    assert (await bot.service.schedule_versions(fake.guild.id, owner)) == []

    async with solving(bot.service.db, bot.clock):
        preview = await preview_of(fake, run)
    assert preview.embeds[0]["title"].startswith("Schedule version #1"), preview.embeds
    assert len(await bot.service.schedule_versions(fake.guild.id, owner)) == 1
