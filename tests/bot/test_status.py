"""`session-scheduler status`, the bot processes' part, on each engine: the shards a process
holds (PostgreSQL's advisory locks, SQLite's lock file), their gateway sessions as reported,
told apart from what a process that is gone left, and the sends in flight. With a real bot
process: tests/e2e/test_status.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.event.shard_status import shard_status, status_lines
from bot.runner import instance_lock, shard_owners
from bot.shards import Process, Shards
from bot.storage.connections import ConnectionStore
from bot.storage.posting import PostingStore
from tests.bot.conftest import GUILD

ROOT = Path(__file__).resolve().parents[2]
TAKE_OVER = ("2000-01-01T00:00:00+00:00", "2000-01-01T00:00:00+00:00")


async def report(db, process: Process, count: int, shard: int, state: str,
                 latency: float | None = None) -> None:
    await ConnectionStore(db).record(count, shard, process.name, process.host, process.pid,
                                     state, latency)


def status_cli(database: str, tmp_path: Path, *extra: str) -> str:
    config = tmp_path / "status.toml"
    config.write_text("shard_count = 2\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "status", "--config", str(config),
                           *extra], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**env, "DATABASE_URL": database})
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_owned_and_connected_shards_and_what_a_gone_process_left(event, database,
                                                                         tmp_path):
    db = event.db
    running, gone = Process.this(), Process("0badc0de", "elsewhere", 99)
    await report(db, gone, 2, 1, "ready", 0.5)  # a process killed while connected
    with instance_lock(database, shards=Shards((0, 1), 2), process=running):
        owners = shard_owners(database)
        assert [(o.shard_count, o.shard_id, o.process) for o in owners] == [
            (2, 0, running.name), (2, 1, running.name)]
        assert str(running) in owners[0].label

        status = await shard_status(db, owners, 1)  # the locks say the count
        assert status.shard_count == 2 and len(status.owned) == 2
        assert status.connected == []  # shard 1's report is the gone process's
        assert status.shards[1].connection.alive is False
        text = "\n".join(status_lines(status))
        assert "a process that is gone" in text and "CONNECTED" not in text

        await report(db, running, 2, 0, "ready", 0.042)
        await report(db, running, 2, 1, "disconnected")
        status = await shard_status(db, shard_owners(database), 2)
        assert [s.shard_id for s in status.connected] == [0]
        text = "\n".join(status_lines(status))
        assert "shards: 2; run by a process: 2, connected: 1" in text, text
        assert "CONNECTED: ready at" in text and "latency 42 ms" in text, text
        assert "DISCONNECTED: disconnected at" in text, text

        shown = json.loads(status_cli(database, tmp_path, "--json"))["shards"]
        assert (shown["owned"], shown["connected"]) == (2, 1)
        assert [s["connected"] for s in shown["shards"]] == [True, False]
        assert shown["shards"][0]["connection"]["process"] == running.name

    # the process stopped without a word: nothing it reported counts as connected
    assert shard_owners(database) == []
    status = await shard_status(db, [], 2)
    assert (status.owned, status.connected) == ([], [])
    assert all(s.connection is not None and not s.connection.alive for s in status.shards)
    text = status_cli(database, tmp_path)
    assert "run by a process: 0, connected: 0" in text and "NOT RUNNING" in text, text
    assert "solve workers" in text  # the solving part follows


async def test_reports_of_another_shard_count_are_set_apart(event, database):
    db = event.db
    old = Process("0ddba11a", "host", 7)
    await report(db, old, 1, 0, "ready")  # before re-sharding to two
    with instance_lock(database, shards=Shards((0, 1), 2)):
        status = await shard_status(db, shard_owners(database), 2)
    assert [(s.shard_count, s.shard_id) for s in status.other_counts] == [(1, 0)]
    assert "left by an earlier shard count" in "\n".join(status_lines(status))


async def test_sends_in_flight_say_whether_their_holder_runs(event, database, tmp_path):
    db = event.db
    running, gone = Process.this(), Process("deadbeef", "host", 8)
    posting = PostingStore(db)
    assert await posting.claim_announcement(GUILD, "1", "up-next", running.name, TAKE_OVER)
    assert await posting.claim_announcement(GUILD, "2", "up-next", gone.name, TAKE_OVER)
    assert await posting.claim_announcement(GUILD, "3", "up-next", running.name, TAKE_OVER)
    await posting.announcement_sent(GUILD, "3", "up-next")  # Discord has it: not in flight
    with instance_lock(database, shards=Shards((0,), 1), process=running):
        status = await shard_status(db, shard_owners(database), 1)
        shown = json.loads(status_cli(database, tmp_path, "--json"))
    assert sorted((m.detail, m.holder_alive) for m in status.sends) == [
        ("up-next 1", True), ("up-next 2", False)]
    assert all(m.guild_id == GUILD and m.what == "announcement" for m in status.sends)
    text = "\n".join(status_lines(status))
    assert "sends in flight: 2" in text and f"by #{gone.name}, a process that is gone" in text
    assert len(shown["shards"]["sends"]) == 2
