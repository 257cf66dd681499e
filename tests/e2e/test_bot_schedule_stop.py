"""/admin schedule stop: a run in flight stops early and its best timetable is previewed as
usual; with nothing running the organiser is told so. The engine here holds until it is told
to stop (tests/bot/engines.py), so the run surely is in flight when the organiser stops it."""

from __future__ import annotations

from bot.config import load_settings
from bot.discord.bot import SchedulerBot
from bot.event import EventService
from tests.bot.engines import held_engine
from tests.e2e.bot_harness import CODE, actor, answered
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_bot_event import setup_event


async def test_stop_ends_the_run_with_the_best_found(fake_discord: FakeDiscord, tmp_path) -> None:
    fake = fake_discord
    db = tmp_path / "stop.sqlite"
    config = load_settings(None, env={}, token="unused", database=db,
                           guild_ids=[fake.guild.id], freeze_minutes_before=None)
    service = await EventService.open(db, code_factory=lambda: CODE, solver_target=held_engine)
    await fake.connect(SchedulerBot(config, service, guild_ready_timeout=0.05))
    await setup_event(fake)
    owner = actor(fake.owner, admin=True)
    for i in range(3):
        await service.propose(fake.guild.id, owner, f"Talk {i}", "x")

    cb = await answered(fake, "admin schedule stop", user=fake.owner)
    assert cb.ephemeral and "not running" in cb.content

    run = await fake.slash("admin schedule run", {"seconds": 60}, user=fake.owner)
    await fake.wait_until(lambda: [s for s in fake.responses(run.id)
                                   if s.content and s.content.startswith("Scheduling… utility")],
                          what="progress", timeout=60)
    again = await fake.slash("admin schedule run", {"seconds": 60}, user=fake.owner)
    said = await fake.wait_until(lambda: [s for s in fake.responses(again.id) if s.content],
                                 what="the refusal of a second run")
    assert "already running" in said[-1].content
    assert not any("Scheduling for up to" in (s.content or "")
                   for s in fake.responses(again.id))  # no promise left unkept
    cb = await answered(fake, "admin schedule stop", user=fake.owner)
    assert cb.ephemeral and "best timetable found so far" in cb.content
    done = await fake.wait_until(lambda: [s for s in fake.responses(run.id) if s.embeds],
                                 what="preview", timeout=60)
    assert done[-1].embeds[0]["title"].startswith("Schedule version #1")
    assert len(await service.schedule_versions(fake.guild.id, owner)) == 1
