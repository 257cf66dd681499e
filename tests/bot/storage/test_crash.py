"""A writer process killed with SIGKILL mid-stream loses no acknowledged write."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from bot.event import EventService
from tests.bot.conftest import ADMIN, GUILD
from tests.bot.helpers import rows

ROOT = Path(__file__).resolve().parents[3]
ACKS_BEFORE_KILL = 300


async def test_sigkill_mid_stream_keeps_every_acknowledged_write(database):
    """On SQLite the killed process was the writer; on PostgreSQL a client whose
    connections die mid-transaction."""
    svc = await EventService.open(database)
    await svc.setup_event(GUILD, ADMIN)
    await svc.update_settings(GUILD, ADMIN, verification_required=False)
    talk = await svc.propose(GUILD, ADMIN, "Talk", "x")
    await svc.close()

    child = subprocess.Popen(
        [sys.executable, "-m", "tests.bot.storage._writer_child", database, str(talk.id)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    acked: dict[int, int] = {}
    try:
        assert child.stdout.readline() == b"ready\n", child.stderr.read().decode()
        while len(acked) < ACKS_BEFORE_KILL:
            line = child.stdout.readline()
            assert line, child.stderr.read().decode()
            user, level = map(int, line.split())
            acked[user] = level
        child.send_signal(signal.SIGKILL)  # writes are still in flight
        # acks already in the pipe when the child died count too
        for line in child.stdout.read().splitlines():
            user, level = map(int, line.split())
            acked[user] = level
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL

    svc = await EventService.open(database)  # opens (on SQLite: recovers the WAL)
    try:
        if svc.db.kind == "sqlite":
            assert [dict(r) for r in await rows(svc.db, "PRAGMA integrity_check")] == \
                [{"integrity_check": "ok"}]
            assert await rows(svc.db, "PRAGMA foreign_key_check") == []
        stored = {r["user_id"]: r["level"] for r in await rows(
            svc.db, "SELECT user_id, level FROM interest WHERE user_id >= 100000")}
    finally:
        await svc.close()
    missing = {u: lv for u, lv in acked.items() if stored.get(u) != lv}
    assert missing == {}
    assert len(stored) >= len(acked) >= ACKS_BEFORE_KILL
