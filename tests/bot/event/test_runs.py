"""Runs of the scheduler (`solve_runs`) on both engines: a run is stored at most once whoever
executes it, a failing engine is retried and then reported, a run can be stopped, and a run
left by a process that stopped blocks nothing."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from bot.event import Actor, Conflict, EventError, EventService, Forbidden, NotFound
from bot.event.errors import RunStopped
from bot.event.runs import INTERRUPTED, STOPPED_UNANSWERED, execute_run
from tests.bot.conftest import (
    ADMIN,
    ALICE,
    EXAMPLE_TOML,
    GUILD,
    OTHER_GUILD,
    solving,
    verified,
)
from tests.bot.engines import crashing_engine, deaf_engine, held_engine

PEOPLE = [Actor(100 + i, f"Person {i}") for i in range(3)]
FAST = {"time_limit": 0.5, "iterations": 1000}


@pytest.fixture
async def talks(event: EventService) -> list[int]:
    for p in PEOPLE:
        await verified(event, p)
    ids = [(await event.propose(GUILD, PEOPLE[i % 3], f"Talk {i}", "x")).id for i in range(4)]
    for i, p in enumerate(PEOPLE):
        for j, sid in enumerate(ids):
            await event.set_interest(GUILD, p, sid, (25, 75, 100)[(i + j) % 3])
    return ids


async def _versions(event: EventService) -> int:
    return len(await event.schedule_versions(GUILD, ADMIN))


async def test_a_run_executed_twice_at_once_is_stored_once(event, talks, clock):
    """Two executions of one run (a job retried while its first worker still ran, say): the
    later attempt takes the run over, the earlier one notices and stores nothing."""
    run = await event.start_schedule_run(GUILD, ADMIN, **FAST)  # SQLite: executing already
    await asyncio.gather(execute_run(event.db, run.id, clock=clock),
                         execute_run(event.db, run.id, clock=clock))
    async with solving(event.db, clock):
        version = await asyncio.wait_for(event.wait_for_run(GUILD, ADMIN, run.id), 120)
    done = (await event.solve_runs(GUILD, ADMIN))[0]
    assert (done.id, done.status, done.version_id) == (run.id, "done", version.id)
    assert await _versions(event) == 1
    # executing an ended run does nothing
    await execute_run(event.db, run.id, clock=clock)
    assert await _versions(event) == 1


@pytest.mark.parametrize("solver_target", [crashing_engine])
async def test_an_engine_that_dies_is_retried_then_reported(event, talks, clock, solve_worker):
    with pytest.raises(EventError, match=r"stopped unexpectedly.*tried 3 times"):
        await asyncio.wait_for(event.run_schedule(GUILD, ADMIN, **FAST), 120)
    run = (await event.solve_runs(GUILD, ADMIN))[0]
    assert (run.status, run.attempts, run.version_id) == ("failed", 3, None)
    assert await _versions(event) == 0
    # the event is free for the next run
    await event.cancel_run(GUILD, ADMIN, run.id)  # an ended run stays as it is
    assert (await event.solve_runs(GUILD, ADMIN))[0].status == "failed"


@pytest.mark.parametrize("solver_target", [held_engine])
async def test_a_stopped_run_keeps_the_best_found_and_frees_the_event(event, talks,
                                                                     solve_worker):
    run = await event.start_schedule_run(GUILD, ADMIN, time_limit=5)  # held until stopped
    with pytest.raises(Conflict, match="already running"):
        await event.start_schedule_run(GUILD, ADMIN, **FAST)
    seen = []
    follower = asyncio.create_task(event.wait_for_run(GUILD, ADMIN, run.id,
                                                      progress=seen.append))
    while not seen:
        await asyncio.sleep(0.05)
    with pytest.raises(Forbidden):
        await event.cancel_run(GUILD, ALICE)
    with pytest.raises(NotFound):
        await event.cancel_run(OTHER_GUILD, ADMIN)
    asked = await event.cancel_run(GUILD, ADMIN)
    assert (asked.id, asked.cancel_requested) == (run.id, True)
    version = await asyncio.wait_for(follower, 120)  # the held engine ends only when stopped
    assert version.placed == 4
    with pytest.raises(NotFound, match="not running"):
        await event.cancel_run(GUILD, ADMIN)
    again = await event.start_schedule_run(GUILD, ADMIN, **FAST)  # the event is free again
    await event.cancel_run(GUILD, ADMIN, again.id)  # held too: stopped, queued or solving
    with contextlib.suppress(RunStopped):
        await asyncio.wait_for(event.wait_for_run(GUILD, ADMIN, again.id), 120)
    assert not (await event.solve_runs(GUILD, ADMIN))[0].active


@pytest.mark.parametrize("solver_target", [deaf_engine])
async def test_an_engine_that_does_not_answer_a_stop_is_ended(event, talks, solve_worker):
    """The stop reaches the engine's process, whatever the engine does: one that does not
    answer is ended, and the run with it, nothing stored."""
    run = await event.start_schedule_run(GUILD, ADMIN, time_limit=5)
    while (await event.solve_runs(GUILD, ADMIN))[0].utility is None:
        await asyncio.sleep(0.05)
    await event.cancel_run(GUILD, ADMIN)
    with pytest.raises(RunStopped, match="did not answer"):
        await asyncio.wait_for(event.wait_for_run(GUILD, ADMIN, run.id), 120)
    ended = (await event.solve_runs(GUILD, ADMIN))[0]
    assert (ended.status, ended.error, ended.version_id) == ("cancelled", STOPPED_UNANSWERED,
                                                             None)
    assert await _versions(event) == 0


async def test_a_queued_run_stopped_before_a_worker_took_it_computes_nothing(event, talks,
                                                                             clock):
    if event.db.kind != "postgresql":
        pytest.skip("on SQLite the bot's own process starts a run at once")
    run = await event.start_schedule_run(GUILD, ADMIN, **FAST)
    assert run.status == "queued"
    stopped = await event.cancel_run(GUILD, ADMIN, run.id)
    assert stopped.status == "cancelled"
    with pytest.raises(RunStopped, match="before it started"):
        await event.wait_for_run(GUILD, ADMIN, run.id)
    from tests.bot.helpers import rows
    jobs = await rows(event.db, "SELECT status FROM procrastinate.procrastinate_jobs")
    assert [j["status"] for j in jobs] == ["cancelled"]
    async with solving(event.db, clock):  # a worker leaves it alone and takes the next run
        await asyncio.wait_for(event.run_schedule(GUILD, ADMIN, **FAST), 120)
    assert [r.status for r in await event.solve_runs(GUILD, ADMIN)] == ["done", "cancelled"]


@pytest.mark.parametrize("solver_target", [held_engine])
async def test_a_run_the_bot_stopped_during_is_failed_not_left_running(database, clock,
                                                                        solver_target):
    """SQLite: the bot's own process solved it; closing the bot fails the run, with the
    reason, and the next bot may run again."""
    if not database.endswith(".sqlite"):
        pytest.skip("on PostgreSQL runs belong to the workers, not to the bot")
    svc = await EventService.open(database, clock=clock, solver_target=solver_target)
    await svc.setup_event(GUILD, ADMIN)
    await svc.import_timetable_toml(GUILD, ADMIN, EXAMPLE_TOML.read_text())
    await svc.propose(GUILD, ADMIN, "Talk", "x")
    run = await svc.start_schedule_run(GUILD, ADMIN, time_limit=600)
    while (await svc.solve_runs(GUILD, ADMIN))[0].utility is None:
        await asyncio.sleep(0.05)
    await svc.close()
    svc = await EventService.open(database, clock=clock)
    try:
        left = (await svc.solve_runs(GUILD, ADMIN))[0]
        assert (left.id, left.status, left.error) == (run.id, "failed", INTERRUPTED)
        await asyncio.wait_for(svc.run_schedule(GUILD, ADMIN, **FAST), 120)
    finally:
        await svc.close()


@pytest.mark.parametrize("solver_target", [lambda *args: None])
async def test_a_run_whose_engine_cannot_start_fails_with_the_reason(event, talks):
    """SQLite: the bot's own process cannot start the engine (here its entry point cannot be
    sent to the child): the run ends as failed, with the reason, instead of showing as running
    until the next one."""
    if event.db.kind != "sqlite":
        pytest.skip("on PostgreSQL a worker starts the engine")
    with pytest.raises(EventError, match="The scheduler failed"):
        await asyncio.wait_for(event.run_schedule(GUILD, ADMIN, **FAST), 60)
    run = (await event.solve_runs(GUILD, ADMIN))[0]
    assert run.status == "failed" and "The scheduler failed" in run.error
