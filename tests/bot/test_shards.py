"""Shards: the ids a process runs, which guilds it owns, its config keys, and the shard in
every log record."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.config import ConfigError, load_settings
from bot.shards import ShardFilter, Shards, enter_guild, format_shards, in_guild, parse_shards

PG = "postgresql://bot@db.example/ev"


def guild_on(shard: int, count: int) -> int:
    """A snowflake-shaped guild id Discord deals to `shard` of `count`."""
    return ((1_000_000_000 * count + shard) << 22) | 12345


def test_shard_ids_read_as_on_the_command_line() -> None:
    assert parse_shards("0-3") == (0, 1, 2, 3)
    assert parse_shards("5, 0,2-3") == (0, 2, 3, 5)
    assert format_shards((0, 1, 2, 3, 5, 7, 8)) == "0-3,5,7-8"
    for bad in ("", "a", "3-1", "1-", "-1"):
        with pytest.raises(ValueError):
            parse_shards(bad)


def test_a_process_owns_the_guilds_of_its_shards() -> None:
    a, b = guild_on(0, 2), guild_on(1, 2)
    assert Shards((0,), 2).owns(a) and not Shards((0,), 2).owns(b)
    assert Shards((1,), 2).owns(b) and not Shards((1,), 2).owns(a)
    both = Shards((0, 1), 2)
    assert both.everything and both.owns(a) and both.owns(b) and str(both) == "0-1 of 2"


def test_shards_and_shard_count_keys() -> None:
    s = load_settings(None, env={}, database=PG, shards="1,3", shard_count=4)
    assert s.shard_plan == Shards((1, 3), 4)
    assert load_settings(None, env={}, database=PG, shards=[2, 0], shard_count=3
                         ).shard_plan == Shards((0, 2), 3)
    assert load_settings(None, env={}).shard_plan == Shards((0,), 1)  # the default
    assert load_settings(None, env={}, shard_count=2).shard_plan == Shards((0, 1), 2)
    with pytest.raises(ConfigError, match=r"shards: .* 4 is not one"):
        load_settings(None, env={}, database=PG, shards="0-4", shard_count=4)
    with pytest.raises(ConfigError, match="shards: "):
        load_settings(None, env={}, database=PG, shards="two", shard_count=4)


def test_sqlite_runs_every_shard_in_one_process() -> None:
    """SQLite is one file one process uses: a process may not leave shards to others."""
    with pytest.raises(ConfigError, match="on SQLite one process runs every shard"):
        load_settings(None, env={}, shards="0", shard_count=2)
    assert load_settings(None, env={}, shards="0-1", shard_count=2).shard_plan.everything


def capture(shards: Shards) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("[shard %(shard)s] %(name)s: %(message)s"))
    handler.addFilter(ShardFilter(shards))
    logger = logging.getLogger("tests.shards")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


async def test_log_records_say_the_shard_of_their_guild_else_the_process() -> None:
    """The guild of the work a record concerns: a block (`in_guild`, timed jobs), the rest of
    a task (`enter_guild`, an interaction's entry; other tasks keep their own); else the
    process's shards."""
    log, out = capture(Shards((0, 1), 2))
    log.info("starting")
    with in_guild(guild_on(1, 2)):
        log.info("a job")
    log.info("after it")

    async def interaction(guild_id: int) -> None:
        enter_guild(guild_id)
        await asyncio.sleep(0)
        log.info("a command")

    await asyncio.gather(interaction(guild_on(0, 2)), interaction(guild_on(1, 2)))
    log.info("done")
    assert out.getvalue().splitlines() == [
        "[shard 0-1/2] tests.shards: starting",
        "[shard 1/2] tests.shards: a job",
        "[shard 0-1/2] tests.shards: after it",
        "[shard 0/2] tests.shards: a command",
        "[shard 1/2] tests.shards: a command",
        "[shard 0-1/2] tests.shards: done",
    ]
