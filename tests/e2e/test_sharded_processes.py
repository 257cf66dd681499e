"""`session-scheduler run` as several processes, each running some shards, on one PostgreSQL
database and the stand-in, on the real clock: each guild's event is served by the process of
its shard, and its announcements go out exactly once, from that process, across a SIGKILL, a
restart and re-sharding. Runs of the scheduler are solved by a `session-scheduler worker`
process beside them, as deployed. One process running two shards: tests/e2e/test_bot_shards.py."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.bot_harness import answer
from tests.e2e.fake_discord import Channel, FakeDiscord, SeededGuild
from tests.e2e.shard_harness import (
    BotProcess,
    announced,
    on_other_shard,
    prepare_event,
    schedule_event,
    shard_of,
    timetable_from_now,
)

#: Each timetable: the agenda (at midnight) and the first slot's "up next" (10 minutes
#: before it) are due at publish; the second slot's comes `wait` seconds after the timetable
#: is made; the third's, in 50 minutes, never during a test.
ANNOUNCED_AT_PUBLISH = 2
ANNOUNCED = 3
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def solve_worker_on(tmp_path):
    """Starts `session-scheduler worker` on a database; stopped (SIGTERM) after the test."""
    started: list[subprocess.Popen] = []

    def start(database: str) -> subprocess.Popen:
        config = tmp_path / "worker.toml"
        config.write_text('log_level = "INFO"\n')
        with (tmp_path / f"worker-{len(started)}.log").open("wb") as log:
            started.append(subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "worker", "--config", str(config),
                 "--concurrency", "1"], cwd=ROOT, env={**os.environ, "DATABASE_URL": database},
                stdout=log, stderr=subprocess.STDOUT))
        return started[-1]
    yield start
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def guilds_by_shard(fake: FakeDiscord) -> dict[int, SeededGuild]:
    """The first guild and a second one on the other shard, by their shard of 2."""
    second = on_other_shard(fake)
    return {shard_of(g.guild.id, 2): g for g in (fake.seeded[fake.guild.id], second)}


async def run_events(fake: FakeDiscord, guilds: dict[int, SeededGuild], wait: float
                     ) -> tuple[dict[int, Channel], float]:
    """A whole event in each guild (verify, propose, interest, run, publish); the channels
    their announcements go to, and when the second slot's "up next" is due."""
    channels = {shard: await prepare_event(fake, at, "UTC") for shard, at in guilds.items()}
    now = time.time()
    timetable = timetable_from_now([now + 300, now + 600 + wait, now + 3600])
    for at in guilds.values():
        await schedule_event(fake, at, timetable)
    for channel in channels.values():
        await fake.wait_until(lambda c=channel: len(announced(fake, c)) >= ANNOUNCED_AT_PUBLISH,
                              timeout=30, what="the announcements due at publish")
    return channels, now + wait


async def all_announced(fake: FakeDiscord, channels: dict[int, Channel]) -> None:
    for channel in channels.values():
        await fake.wait_until(lambda c=channel: len(announced(fake, c)) >= ANNOUNCED,
                              timeout=120, what="the second slot's up next")


def once_each(fake: FakeDiscord, channels: dict[int, Channel]) -> None:
    """Every announcement of each guild in its channel, none twice."""
    for channel in channels.values():
        posts = announced(fake, channel)
        assert len(posts) == ANNOUNCED and len(set(posts)) == ANNOUNCED, posts
        assert posts.count("agenda") == 1, posts


async def senders(fake: FakeDiscord, processes: list[BotProcess]
                  ) -> dict[str, list[tuple[int, str]]]:
    """job id → (process index, shard its log line names) of every send logged, once the
    sends of every announcement are (a process logs one after Discord took it)."""

    def logged() -> dict[str, list[tuple[int, str]]]:
        out: dict[str, list[tuple[int, str]]] = {}
        for i, p in enumerate(processes):
            for shard, job in p.sent():
                out.setdefault(job, []).append((i, shard))
        return out

    await fake.wait_until(lambda: len(logged()) >= 2 * ANNOUNCED, what="the sends logged")
    return logged()


async def ended(processes: list[BotProcess]) -> None:
    await asyncio.gather(*(p.ended() for p in processes))


def shard_processes(fake: FakeDiscord, postgres, tmp_path, solve_worker_on
                    ) -> tuple[dict[int, SeededGuild], list[BotProcess]]:
    """A guild on each shard of 2, a solve worker, and a bot process per shard (not started)."""
    db = postgres.new_database()
    solve_worker_on(db)
    guilds = guilds_by_shard(fake)
    ids = [at.guild.id for at in guilds.values()]
    return guilds, [BotProcess(fake, tmp_path / f"shard{s}", db, ids, 2, str(s))
                    for s in (0, 1)]


async def started_with_commands(fake: FakeDiscord, procs: list[BotProcess],
                                guilds: dict[int, SeededGuild]) -> None:
    await asyncio.gather(*(p.start() for p in procs))
    await fake.wait_until(lambda: all(fake.state.commands.get(at.guild.id)
                                      for at in guilds.values()), what="the commands synced")


async def test_two_processes_serve_their_own_guilds(fake_discord: FakeDiscord, postgres,
                                                    tmp_path, solve_worker_on) -> None:
    """Shards 0 and 1 of 2 in two processes: a guild on each shard runs a whole event through
    the process of its shard, and each announcement goes out once, sent by that process."""
    fake = fake_discord
    guilds, procs = shard_processes(fake, postgres, tmp_path, solve_worker_on)
    try:
        await started_with_commands(fake, procs, guilds)
        channels, _ = await run_events(fake, guilds, wait=20)
        await all_announced(fake, channels)
        once_each(fake, channels)
        sent = await senders(fake, procs)
        assert len(sent) == 2 * ANNOUNCED
        for shard, at in guilds.items():
            jobs = [job for job in sent if job.startswith(f"{at.guild.id}:")]
            assert len(jobs) == ANNOUNCED
            assert all(sent[job] == [(shard, f"{shard}/2")] for job in jobs), sent
        for p in procs:
            assert "Traceback" not in p.log(), p.log()
    finally:
        await ended(procs)


async def test_a_killed_process_leaves_the_other_shard_working_and_loses_nothing(
        fake_discord: FakeDiscord, postgres, tmp_path, solve_worker_on) -> None:
    """SIGKILL the process of one shard: the other shard's guild keeps answering and
    announcing meanwhile; restarted, the killed process sends what fell due while it was
    down, once, and nothing it had sent before again."""
    fake = fake_discord
    guilds, procs = shard_processes(fake, postgres, tmp_path, solve_worker_on)
    try:
        await started_with_commands(fake, procs, guilds)
        channels, due = await run_events(fake, guilds, wait=60)
        procs[1].kill()
        await procs[1].proc.wait()
        assert time.time() < due, "the events took too long to see a restart catch up"

        cb = await answer(fake, "schedule", user=guilds[0].member)
        assert cb.embeds, cb.content  # the live shard answers
        await fake.wait_until(lambda: len(announced(fake, channels[0])) == ANNOUNCED,
                              timeout=120, what="the live shard's up next")
        await fake.wait_until(lambda: time.time() > due + 2, timeout=120, what="the due time")
        assert len(announced(fake, channels[1])) == ANNOUNCED_AT_PUBLISH  # its process is down

        await procs[1].start()
        await all_announced(fake, channels)
        once_each(fake, channels)
        sent = await senders(fake, procs)
        assert sorted(len(v) for v in sent.values()) == [1] * 2 * ANNOUNCED, sent
        for shard, at in guilds.items():
            assert all(sent[job][0][0] == shard for job in sent
                       if job.startswith(f"{at.guild.id}:")), sent
        assert len(procs[1].logs) == 2 and "sent the up-next" in procs[1].log()
    finally:
        await ended(procs)


async def test_resharding_from_one_process_to_two_sends_everything_once(
        fake_discord: FakeDiscord, postgres, tmp_path, solve_worker_on) -> None:
    """One process runs both guilds (one shard); it stops, and two processes take shards 0
    and 1 of 2: what was sent before is not sent again, and what falls due after is sent
    once, by the new owner of each guild."""
    fake = fake_discord
    db = postgres.new_database()
    solve_worker_on(db)
    guilds = guilds_by_shard(fake)
    ids = [at.guild.id for at in guilds.values()]
    one = BotProcess(fake, tmp_path / "one", db, ids, 1)
    two = [BotProcess(fake, tmp_path / f"shard{s}", db, ids, 2, str(s)) for s in (0, 1)]
    try:
        await one.start()
        await fake.wait_until(lambda: all(fake.state.commands.get(g) for g in ids),
                              what="the commands synced")
        channels, due = await run_events(fake, guilds, wait=60)
        assert await one.stop() == 0
        assert time.time() < due, "the events took too long to re-shard before a due time"
        await asyncio.gather(*(p.start() for p in two))
        await all_announced(fake, channels)
        once_each(fake, channels)
        sent = await senders(fake, [*two, one])
        assert sorted(len(v) for v in sent.values()) == [1] * 2 * ANNOUNCED, sent
        by_process = Counter(sender[0] for senders_ in sent.values() for sender in senders_)
        assert by_process == {2: 2 * ANNOUNCED_AT_PUBLISH, 0: 1, 1: 1}, sent
        for shard, at in guilds.items():
            after = [s for job, (s,) in sent.items()
                     if job.startswith(f"{at.guild.id}:") and s[0] != 2]
            assert after == [(shard, f"{shard}/2")], sent
    finally:
        await ended([one, *two])
