"""The real bot as discord.py's sharded client, in this process: several shards in one bot,
and bots that run some shards each on one PostgreSQL database, arming the timed work of their
own guilds only. Bot processes of their own: tests/e2e/test_sharded_processes.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.bot.conftest import solving
from tests.e2e.bot_harness import EXAMPLE_TOML, Clock, make_bot
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.shard_harness import on_other_shard, prepare_event, schedule_event, shard_of

ZONE = "Europe/Brussels"  # the example timetable's


def job_guilds(bot) -> set[int]:
    """The guilds of the announcements and reminders a bot has armed."""
    jobs = bot.announcer.pending_jobs() + bot.reminders.pending_jobs()
    return {int(job.split(":")[0]) for job in jobs}


def command_syncs(fake: FakeDiscord) -> list[str]:
    return [r.path for r in fake.requests if r.method == "PUT" and r.path.endswith("/commands")]


async def started(bot):
    await asyncio.wait_for(bot.announcer.started.wait(), 5)
    await asyncio.wait_for(bot.reminders.started.wait(), 5)
    return bot


async def test_one_bot_runs_two_shards(fake_discord: FakeDiscord, tmp_path) -> None:
    """One gateway session per shard, each guild's commands answered on its own shard, and
    both guilds' announcements armed in the one process that runs every shard."""
    fake = fake_discord
    second = on_other_shard(fake)
    clock = Clock(datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    guilds = [fake.guild.id, second.guild.id]
    bot = await fake.connect(await make_bot(fake, tmp_path / "a.sqlite", clock, shard_count=2,
                                            guild_ids=guilds))
    assert sorted(op.data["shard"] for op in fake.ops(2)) == [[0, 2], [1, 2]]
    assert sorted(command_syncs(fake)) == sorted(
        f"/applications/{fake.application_id}/guilds/{g}/commands" for g in guilds)
    for at in (fake.seeded[fake.guild.id], second):
        await prepare_event(fake, at, ZONE)
        await schedule_event(fake, at, EXAMPLE_TOML.read_bytes())
        assert bot.get_guild(at.guild.id).shard_id == shard_of(at.guild.id, 2)
    assert job_guilds(bot) == set(guilds)


async def test_each_bot_arms_its_own_guilds_and_shard_0_syncs(fake_discord: FakeDiscord,
                                                               postgres, beside) -> None:
    """Two bots on one database, shards 0 and 1 of 2: each guild's interactions reach the bot
    running its shard, which publishes and arms its announcements and reminders; at a start,
    each arms the published guilds of its shards only. Only the bot running shard 0 registers
    the commands."""
    fake = fake_discord
    db = postgres.new_database()
    second = on_other_shard(fake)
    clock = Clock(datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    by_shard = {shard_of(g.id, 2): g.id for g in (fake.guild, second.guild)}

    async def bot_for(shard: int):
        return await started(await fake.connect(await make_bot(
            fake, db, clock, shard_count=2, shards=str(shard), guild_ids=list(by_shard.values()))))

    one = await bot_for(1)
    await beside.enter_async_context(solving(one.service.db, clock))
    assert command_syncs(fake) == []
    zero = await bot_for(0)
    assert len(command_syncs(fake)) == 2  # one per guild, by the bot running shard 0
    bots = {0: zero, 1: one}
    for shard, guild_id in by_shard.items():
        at = fake.seeded[guild_id]
        await prepare_event(fake, at, ZONE)
        await schedule_event(fake, at, EXAMPLE_TOML.read_bytes())
        assert job_guilds(bots[shard]) == {guild_id}
    assert job_guilds(zero) == {by_shard[0]} and job_guilds(one) == {by_shard[1]}

    for shard in (0, 1):  # restarted: armed from the database, each its own guild
        await fake.disconnect(bots[shard])
        bots[shard] = await bot_for(shard)
        assert job_guilds(bots[shard]) == {by_shard[shard]}
    assert len(command_syncs(fake)) == 4  # the second bot of shard 0 synced again
