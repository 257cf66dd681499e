"""A published event to serve: verified people, public sessions (one with a hostile title),
interest, discussion threads, and the web server over the same database."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import pytest

from bot.config import WebSettings
from bot.event import Actor, EventService
from bot.storage.mirror import MirrorStore, SessionThread
from bot.web.server import WebServer
from tests.bot.conftest import ADMIN, GUILD, verified

FAST = {"time_limit": 0.5, "iterations": 2000}
PEOPLE = [Actor(100 + i, f"Person {i}") for i in range(6)]
ALICE, BOB = PEOPLE[0], PEOPLE[1]
HOSTILE = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>'
LONG = "Observability" * 7  # one word wider than a phone


@dataclass
class Published:
    service: EventService
    sessions: dict[str, int]
    key: str
    token: str  # Alice's personal link
    version_id: int


async def publish_event(event: EventService) -> Published:
    for p in PEOPLE:
        await verified(event, p)
    ids = {}
    for i in range(7):
        s = await event.propose(GUILD, PEOPLE[i % 6], f"Talk {i}", f"What talk {i} is about.")
        ids[f"t{i}"] = s.id
    ids["hostile"] = (await event.propose(GUILD, PEOPLE[5], HOSTILE, HOSTILE)).id
    ids["long"] = (await event.propose(GUILD, PEOPLE[4], LONG, "x")).id
    for i, p in enumerate(PEOPLE):
        for j, sid in enumerate(ids.values()):
            level = (0, 25, 75, 100)[(i + j) % 4]
            if level and PEOPLE[j % 6] != p:
                await event.set_interest(GUILD, p, sid, level)
    v = await event.run_schedule(GUILD, ADMIN, **FAST)
    assert v.placed == len(ids)
    await event.publish(GUILD, ADMIN, v.id, make_visible=True)
    await MirrorStore(event.db).add_thread(GUILD, SessionThread(ids["t0"], 500, 501, 502))
    link = await event.web_link(GUILD, ALICE)
    assert link.token is not None
    return Published(event, ids, link.public_key, link.token, v.id)


@pytest.fixture
async def published(event: EventService, solve_worker) -> Published:
    return await publish_event(event)


@pytest.fixture
async def server(published: Published):
    """The web server on a free loopback port; snapshots never reused (`cache_seconds=0`), so
    every request sees the database as it is."""
    srv = WebServer(published.service, WebSettings(enabled=True, port=0,
                                                   requests_per_minute=100_000),
                    cache_seconds=0)
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
async def http():
    async with aiohttp.ClientSession() as session:
        yield session
