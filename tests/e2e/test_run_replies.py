"""A run's private message outlives the bot process that sent it: the process is killed while
the run waits (no solve worker yet), and once restarted it finishes the message when the run
ends, or, past Discord's 15 minutes for the interaction, tells the organiser by DM. On
PostgreSQL, with real processes and the stand-in."""

from __future__ import annotations

import time

import pytest

from tests.e2e.bot_harness import answered
from tests.e2e.fake_discord import FakeDiscord, Upload
from tests.e2e.personal_harness import dms
from tests.e2e.shard_harness import BotProcess, prepare_event, timetable_from_now
from tests.e2e.test_sharded_processes import solve_worker_on  # noqa: F401 (a fixture)


def said(fake: FakeDiscord, interaction_id: int, words: str) -> list:
    return [s for s in fake.responses(interaction_id) if s.content and words in s.content]


@pytest.mark.parametrize("token", ["valid", "expired"])
async def test_a_restarted_process_finishes_the_message_of_a_run_in_flight(
        fake_discord: FakeDiscord, postgres, tmp_path, solve_worker_on,  # noqa: F811
        token: str) -> None:
    fake = fake_discord
    at = fake.seeded[fake.guild.id]
    db = postgres.new_database()
    bot = BotProcess(fake, tmp_path / "bot", db, [fake.guild.id], 1)
    try:
        await bot.start()
        await fake.wait_until(lambda: fake.state.commands.get(fake.guild.id),
                              what="the commands synced")
        await prepare_event(fake, at, "UTC")
        now = time.time()
        cb = await answered(fake, "admin timetable import", {"file": Upload(
            "timetable.toml", timetable_from_now([now + 3600, now + 7200]))}, user=at.owner)
        assert "Imported" in cb.content, cb.content

        run = await fake.slash("admin schedule run", {"seconds": 2}, user=at.owner)
        await fake.wait_until(lambda: said(fake, run.id, "Waiting for a solve worker"),
                              timeout=60, what="the word that no worker runs")
        bot.kill()
        await bot.proc.wait()
        if token == "expired":
            fake.expire_token(run)

        await bot.start()
        solve_worker_on(db)
        if token == "valid":
            done = await fake.wait_until(lambda: said(fake, run.id, "version #1"),
                                         timeout=120, what="the run's message finished")
            assert done[-1].ephemeral
            assert "/admin schedule preview version:1" in done[-1].content, done[-1].content
        else:
            told = await fake.wait_until(lambda: dms(fake, at.owner), timeout=120,
                                         what="the DM")
            assert "version #1 is computed" in told[0]
            assert "/admin schedule preview version:1" in told[0]
            assert not said(fake, run.id, "version #1")
        assert "Traceback" not in bot.log(), bot.log()
    finally:
        await bot.ended()


async def test_on_sqlite_the_restarted_bot_says_the_run_ended_with_its_process(
        fake_discord: FakeDiscord, tmp_path) -> None:
    """On SQLite the bot's own process solves, so a run ends with it: once started again, the
    bot finishes the run's message saying so (the engine here holds until stopped, so the
    run is surely in flight when the bot stops)."""
    from bot.config import load_settings
    from bot.discord.bot import SchedulerBot
    from bot.event import EventService
    from tests.bot.engines import held_engine
    from tests.e2e.bot_harness import CODE, actor, make_bot
    from tests.e2e.test_bot_event import setup_event

    fake = fake_discord
    db = tmp_path / "bot.sqlite"
    config = load_settings(None, env={}, token="unused", database=db,
                           guild_ids=[fake.guild.id], freeze_minutes_before=None)
    service = await EventService.open(db, code_factory=lambda: CODE, solver_target=held_engine)
    bot = await fake.connect(SchedulerBot(config, service, guild_ready_timeout=0.05))
    await setup_event(fake)
    for i in range(3):
        await service.propose(fake.guild.id, actor(fake.owner, admin=True), f"Talk {i}", "x")
    run = await fake.slash("admin schedule run", {"seconds": 60}, user=fake.owner)
    await fake.wait_until(lambda: said(fake, run.id, "Scheduling… utility"), timeout=60,
                          what="the run in flight")
    await fake.disconnect(bot)

    await fake.connect(await make_bot(fake, db))
    await fake.wait_until(lambda: said(fake, run.id, "Scheduling failed: The bot stopped during "
                                                     "the run"),
                          timeout=30, what="the run's message finished")
