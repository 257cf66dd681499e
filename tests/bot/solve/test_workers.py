"""Solve workers as real processes on PostgreSQL: a worker killed mid-solve loses no run and
stores none twice, a stopped run stops its worker's engine, SIGTERM hands a run back."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import pytest

from bot.event import Actor, EventService
from bot.event.models import SolveRun
from bot.event.solve_status import solve_status
from tests.bot.conftest import ADMIN, GUILD, verified
from tests.bot.helpers import rows
from tests.bot.solve.conftest import ROOT, Workers

PEOPLE = [Actor(100 + i, f"Person {i}") for i in range(4)]
FAST = {"time_limit": 1.0, "iterations": 2000}
WAIT = 180  # seconds: a bound for a loaded machine, never a figure


@pytest.fixture
async def proposals(event: EventService) -> None:
    for p in PEOPLE:
        await verified(event, p)
    ids = [(await event.propose(GUILD, PEOPLE[i % 4], f"Talk {i}", "x")).id for i in range(6)]
    for i, p in enumerate(PEOPLE):
        for j, sid in enumerate(ids):
            await event.set_interest(GUILD, p, sid, (25, 75, 100)[(i + j) % 3])


async def _run(event: EventService, run_id: int) -> SolveRun:
    return next(r for r in await event.solve_runs(GUILD, ADMIN) if r.id == run_id)


async def _until(event: EventService, run_id: int, ready, workers: Workers) -> SolveRun:
    """Read the run until `ready(run)`; the workers' logs when it never is."""
    for _ in range(WAIT * 10):
        run = await _run(event, run_id)
        if ready(run):
            return run
        await asyncio.sleep(0.1)
    raise AssertionError(f"run {run_id} never got there: {run}\n{workers.logs()}")


def _solving(run: SolveRun) -> bool:
    """The engine is at work: the worker wrote its first figures."""
    return run.status == "running" and run.utility is not None


async def _jobs(event: EventService) -> list[str]:
    found = await rows(event.db, "SELECT status FROM procrastinate.procrastinate_jobs "
                                 "ORDER BY id")
    return [r["status"] for r in found]


async def _versions(event: EventService) -> int:
    return len(await event.schedule_versions(GUILD, ADMIN))


def _status(workers: Workers) -> str:
    """What `session-scheduler status` prints."""
    done = subprocess.run([sys.executable, "-m", "bot.cli", "status", "--config",
                           str(workers.config())], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": workers.url}, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _ended(proc: subprocess.Popen, workers: Workers) -> int:
    try:
        return proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the worker did not stop\n{workers.logs()}") from None


async def test_a_worker_killed_mid_solve_loses_nothing_and_stores_once(event, proposals,
                                                                       workers):
    first = workers.test_engine("held")
    run = await event.start_schedule_run(GUILD, ADMIN, **FAST)
    await _until(event, run.id, _solving, workers)
    first.send_signal(signal.SIGKILL)
    assert _ended(first, workers) == -signal.SIGKILL
    assert (await _run(event, run.id)).status == "running"  # nobody has noticed yet

    second = workers.cli()  # the real command, the real engine
    version = await asyncio.wait_for(
        event.wait_for_run(GUILD, ADMIN, run.id), WAIT)
    done = await _run(event, run.id)
    assert (done.status, done.version_id, done.attempts) == ("done", version.id, 2)
    assert await _versions(event) == 1
    assert version.placed == 6
    assert "todo" not in await _jobs(event) and "doing" not in await _jobs(event)

    second.send_signal(signal.SIGTERM)
    assert _ended(second, workers) == 0
    assert await _versions(event) == 1


async def test_stopping_a_run_stops_its_workers_engine(event, proposals, workers):
    """The held engine finishes only once told to stop: the run ending proves the stop reached
    the engine in the worker's process. The best timetable found is stored, as on SQLite."""
    workers.test_engine("held")
    run = await event.start_schedule_run(GUILD, ADMIN, time_limit=5)
    await _until(event, run.id, _solving, workers)
    asked = await event.cancel_run(GUILD, ADMIN)
    assert (asked.id, asked.status, asked.cancel_requested) == (run.id, "running", True)
    version = await asyncio.wait_for(event.wait_for_run(GUILD, ADMIN, run.id), WAIT)
    done = await _run(event, run.id)
    assert (done.status, done.version_id) == ("done", version.id)
    assert await _versions(event) == 1


async def test_sigterm_hands_the_run_back_and_another_worker_completes_it(event, proposals,
                                                                          workers):
    """With `session-scheduler status` telling what happens on the way."""
    first = workers.test_engine("held", grace=0.0)
    run = await event.start_schedule_run(GUILD, ADMIN, **FAST)
    await _until(event, run.id, _solving, workers)
    status = await solve_status(event.db)
    assert [w.name for w in status.alive] == ["test-held"]
    assert [(r.id, r.worker) for r in status.running] == [(run.id, "test-held")]
    shown = _status(workers)
    assert "solve workers alive: 1 (1 solves at once)" in shown
    assert f"run {run.id} (server {GUILD}): running on test-held, attempt 1" in shown

    first.send_signal(signal.SIGTERM)
    assert _ended(first, workers) == 0
    handed = await _run(event, run.id)
    assert (handed.status, handed.attempts, handed.version_id) == ("queued", 0, None)
    assert await _jobs(event) == ["todo"]  # back in the queue at once, not after a timeout
    status = await solve_status(event.db)
    assert (status.workers, [r.id for r in status.queued]) == ((), [run.id])
    assert "solve workers alive: 0" in _status(workers)

    workers.cli()
    version = await asyncio.wait_for(event.wait_for_run(GUILD, ADMIN, run.id), WAIT)
    done = await _run(event, run.id)
    assert (done.status, done.attempts) == ("done", 1)
    assert await _versions(event) == 1 and version.placed == 6


async def test_a_worker_lets_its_run_finish_within_the_grace(event, proposals, workers):
    """SIGTERM with time to spare: the run in hand is finished and stored, then the worker
    exits."""
    worker = workers.cli("--grace", str(WAIT))
    run = await event.start_schedule_run(GUILD, ADMIN, **FAST)
    await _until(event, run.id, lambda r: r.status != "queued", workers)
    worker.send_signal(signal.SIGTERM)
    assert _ended(worker, workers) == 0
    done = await _run(event, run.id)
    assert (done.status, done.attempts) == ("done", 1)
    assert await _versions(event) == 1
