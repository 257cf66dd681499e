"""Shared fixtures: the rules over a real database, on each engine (a SQLite file in a
temporary directory, and a database of its own on a throwaway PostgreSQL server), and a
ready event."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.event import Actor, EventService
from bot.event.solving import engine_worker
from bot.storage import Database

GUILD = 1001
OTHER_GUILD = 2002
ADMIN = Actor(user_id=1, display_name="Ada Admin", is_admin=True)
ALICE = Actor(user_id=11, display_name="Alice")
BOB = Actor(user_id=12, display_name="Bob")
CODE = "ABCD2345"
EXAMPLE_TOML = Path(__file__).resolve().parents[2] / "data" / "examples" / "timetable.toml"


class FakeClock:
    """A clock the tests move by hand (seconds since the epoch)."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


#: A solve worker for tests: quick heartbeats, a stalled worker noticed within seconds, and no
#: grace on stopping (its running solves are handed back at once).
TEST_WORKER = dict(concurrency=2, attempts=3, heartbeat=0.2, stalled=1.5, grace=0.0)


@pytest.fixture
def solver_target():
    """The entry point of the engine's process that runs of the scheduler use; a test may
    parametrize it with one of tests/bot/engines.py."""
    return engine_worker


@pytest.fixture
async def service(database: str, clock: FakeClock, solver_target):
    svc = await EventService.open(database, clock=clock, code_factory=lambda: CODE,
                                  solver_target=solver_target)
    yield svc
    await svc.close()


@contextlib.asynccontextmanager
async def solving(db: Database, clock: Callable[[], float], target=engine_worker):
    """What solves the runs on `db` meanwhile: on SQLite the service's own process does; on
    PostgreSQL a solve worker on the database, here in the test's event loop (the engine in its
    child process as always; tests/bot/solve/ runs workers as processes of their own)."""
    if db.kind != "postgresql":
        yield None
        return
    from bot.event.solve_queue import WorkerOptions, serve
    ready = asyncio.Event()
    task = asyncio.create_task(serve(db.url, WorkerOptions(**TEST_WORKER), clock=clock,
                                     target=target, install_signal_handlers=False,
                                     ready=ready))
    waiting = asyncio.create_task(ready.wait())
    await asyncio.wait([task, waiting], return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if task.done():
        task.result()  # the worker could not start: its error
    try:
        yield task
    finally:
        # a cancel that reaches procrastinate's worker while it starts or stops may be absorbed
        # there: cancel until it ends
        while not task.done():
            task.cancel()
            await asyncio.wait([task], timeout=1)
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
async def solve_worker(service: EventService, clock: FakeClock, solver_target):
    """`solving` for the whole test."""
    async with solving(service.db, clock, solver_target) as task:
        yield task


@pytest.fixture
async def event(service: EventService) -> EventService:
    """A guild with an event in Brussels time, verification required, and the example timetable."""
    await service.setup_event(GUILD, ADMIN, name="Test camp", timezone="Europe/Brussels")
    await service.import_timetable_toml(GUILD, ADMIN, EXAMPLE_TOML.read_text())
    return service


async def verified(service: EventService, actor: Actor, guild: int = GUILD) -> Actor:
    await service.verify(guild, actor, CODE)
    return actor
