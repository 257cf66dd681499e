"""The database restarting while an organiser waits for a run: the wait reads on through the
outage and reports the run's end; past `OUTAGE_GRACE` it gives up in plain words."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.event import EventService
from bot.event import runs as run_rules
from bot.event.runs import wait_for_end
from bot.storage import DatabaseUnavailable, now_text, open_database, postgresql, runs
from tests.bot.conftest import ADMIN, GUILD

WAIT = 120  # seconds: a bound for a loaded machine, never a figure


async def _waiting(db) -> tuple[int, asyncio.Task]:
    """A queued run, and an organiser's wait for it that has read it once."""
    run_id = await db.write(lambda c: runs.insert(c, GUILD, ADMIN.user_id, now_text(), "{}",
                                                  "{}"))
    waiter = asyncio.create_task(wait_for_end(db, run_id, None, None, _never_asked))
    await asyncio.sleep(0.5)
    return run_id, waiter


@contextlib.asynccontextmanager
async def _outage(postgres):
    """The server down for the block's length, its connections dropped, its data kept."""
    await asyncio.to_thread(postgres.down)
    try:
        yield
    finally:
        await asyncio.to_thread(postgres.up)


async def _finished(db, run_id: int) -> bool:
    """Ends the run once the database answers again (the pool reconnects with growing pauses,
    longer than this test's short wait for a connection)."""
    for _ in range(WAIT * 4):
        try:
            return await db.write(lambda c: runs.finish(c, run_id, "done", now_text()))
        except DatabaseUnavailable:
            await asyncio.sleep(0.25)
    raise AssertionError("the database never answered again")


async def _never_asked() -> None:
    raise AssertionError("nobody cancelled this run")


async def test_a_wait_reads_on_through_a_database_restart(event: EventService, postgres):
    run_id, waiter = await _waiting(event.db)
    async with _outage(postgres):
        await asyncio.sleep(1.0)
        assert not waiter.done()
    # the pool's connections were dropped: they are replaced, not used and failed
    assert await event.db.write(lambda c: runs.finish(c, run_id, "done", now_text()))
    row = await asyncio.wait_for(waiter, WAIT)
    assert row["status"] == "done"


async def test_past_the_pools_wait_reads_fail_as_unavailable_and_the_wait_outlasts_them(
        event: EventService, postgres, monkeypatch):
    monkeypatch.setattr(postgresql, "POOL_TIMEOUT", 0.3)
    db = await open_database(event.db.url)
    try:
        run_id, waiter = await _waiting(db)
        async with _outage(postgres):
            with pytest.raises(DatabaseUnavailable, match="PostgreSQL"):
                await db.read(lambda c: runs.get(c, run_id))
            await asyncio.sleep(1.5)  # several reads failed meanwhile
            assert not waiter.done()
        assert await _finished(db, run_id)
        assert (await asyncio.wait_for(waiter, WAIT))["status"] == "done"

        monkeypatch.setattr(run_rules, "OUTAGE_GRACE", 1.0)
        _, waiter = await _waiting(db)
        async with _outage(postgres):
            with pytest.raises(DatabaseUnavailable):
                await asyncio.wait_for(waiter, WAIT)
    finally:
        await db.close()
