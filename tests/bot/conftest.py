"""Shared fixtures: the rules over a real database, on each engine (a SQLite file in a
temporary directory, and a database of its own on a throwaway PostgreSQL server), and a
ready event."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.event import Actor, EventService

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


@pytest.fixture
async def service(database: str, clock: FakeClock):
    svc = await EventService.open(database, clock=clock, code_factory=lambda: CODE)
    yield svc
    await svc.close()


@pytest.fixture
async def event(service: EventService) -> EventService:
    """A guild with an event in Brussels time, verification required, and the example timetable."""
    await service.setup_event(GUILD, ADMIN, name="Test camp", timezone="Europe/Brussels")
    await service.import_timetable_toml(GUILD, ADMIN, EXAMPLE_TOML.read_text())
    return service


async def verified(service: EventService, actor: Actor, guild: int = GUILD) -> Actor:
    await service.verify(guild, actor, CODE)
    return actor
