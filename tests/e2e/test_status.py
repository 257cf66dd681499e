"""`session-scheduler status` beside real bot processes connected to the stand-in: the shards
each process holds and their gateway sessions as CONNECTED; a process killed shows its shard as
run by nobody, and what it reported as left by a process that is gone, never as connected."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.shard_harness import BotProcess

ROOT = Path(__file__).resolve().parents[2]


async def status(database: str, tmp_path: Path) -> dict:
    """`session-scheduler status --json`, run as a process of its own, with the bots' shard
    count in its configuration."""
    config = tmp_path / "status.toml"
    config.write_text("shard_count = 2\n")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "status", "--json", "--config", str(config), cwd=ROOT,
        env={**env, "DATABASE_URL": database}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return json.loads(out)


async def status_until(database: str, tmp_path: Path, wanted, timeout: float = 30) -> dict:
    """The status, asked again until `wanted(status)` holds (the reports are written once the
    process hears of its sessions)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await status(database, tmp_path)
        if wanted(found["shards"]) or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.5)


def counts(shards: dict) -> tuple[int, int]:
    return shards["owned"], shards["connected"]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
async def test_status_shows_the_processes_shards_and_a_killed_one_as_gone(
        fake_discord: FakeDiscord, tmp_path, engine, request) -> None:
    fake = fake_discord
    if engine == "postgresql":  # two processes, shards 0 and 1 of 2
        db = request.getfixturevalue("postgres").new_database()
        procs = [BotProcess(fake, tmp_path / f"shard{s}", db, [fake.guild.id], 2, str(s))
                 for s in (0, 1)]
    else:  # SQLite: one process runs every shard
        db = str(tmp_path / "bot.sqlite")
        procs = [BotProcess(fake, tmp_path / "bot", db, [fake.guild.id], 2)]
    try:
        await asyncio.gather(*(p.start() for p in procs))
        found = await status_until(db, tmp_path, lambda s: counts(s) == (2, 2))
        shards = found["shards"]
        assert (shards["shard_count"], counts(shards)) == (2, (2, 2)), shards
        for shard in shards["shards"]:
            owner, connection = shard["owner"], shard["connection"]
            assert connection["alive"] and connection["state"] in ("connected", "ready")
            assert connection["process"] in owner["label"]
            assert connection["pid"] == procs[-1 if engine == "sqlite"
                                              else shard["shard_id"]].proc.pid
        if engine == "postgresql":
            assert shards["shards"][0]["owner"]["label"] != shards["shards"][1]["owner"]["label"]

        killed = procs[-1]
        killed.kill()
        await killed.proc.wait()
        lost = [1] if engine == "postgresql" else [0, 1]
        found = await status_until(db, tmp_path, lambda s: s["owned"] == 2 - len(lost))
        shards = found["shards"]
        assert counts(shards) == (2 - len(lost), 2 - len(lost)), shards
        for shard in shards["shards"]:
            gone = shard["shard_id"] in lost
            assert (shard["owner"] is None) is gone
            assert shard["connected"] is not gone
            assert shard["connection"]["alive"] is not gone  # its report is still there
    finally:
        await asyncio.gather(*(p.ended() for p in procs))
