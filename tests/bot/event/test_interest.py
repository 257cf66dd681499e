import asyncio

import pytest

from bot.event import Actor, EventService, Forbidden, InvalidInput, Level
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, verified
from tests.bot.helpers import dump, rows


@pytest.fixture
async def talk(event):
    await verified(event, ALICE)
    await verified(event, BOB)
    return await event.propose(GUILD, ALICE, "Talk", "x")


async def test_levels_are_set_changed_and_removed(event, talk):
    r = await event.set_interest(GUILD, BOB, talk.id, Level.YES)
    assert (r.level, r.previous_level) == (75, 0)
    r = await event.set_interest(GUILD, BOB, talk.id, 25)
    assert (r.level, r.previous_level) == (25, 75)
    assert (await event.get_session(GUILD, BOB, talk.id)).my_level == 25
    await event.set_interest(GUILD, BOB, talk.id, Level.NONE)
    view = await event.get_session(GUILD, BOB, talk.id)
    assert view.my_level == 0 and view.interested == 1  # only Alice's own 100 remains


@pytest.mark.parametrize("level", [-1, 1, 50, 101, 1000, True, "75", 75.0, None])
async def test_out_of_range_levels_are_refused(event, talk, level):
    before = await dump(event)
    with pytest.raises(InvalidInput, match="none, a little, yes, very"):
        await event.set_interest(GUILD, BOB, talk.id, level)
    assert await dump(event) == before


async def test_unverified_attendee_may_not_rate_when_verification_required(event, talk):
    carol = Actor(13, "Carol")
    with pytest.raises(Forbidden, match="/verify"):
        await event.set_interest(GUILD, carol, talk.id, 100)
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    assert (await event.set_interest(GUILD, carol, talk.id, 100)).level == 100


async def test_closed_interest(event, talk):
    await event.update_settings(GUILD, ADMIN, interest_open=False)
    with pytest.raises(Forbidden, match="closed"):
        await event.set_interest(GUILD, BOB, talk.id, 100)


async def test_500_concurrent_updates_from_500_attendees_none_lost(event, database):
    """Two services on the same database (two SQLite writers, or two connection pools) race;
    every update must land."""
    await event.update_settings(GUILD, ADMIN, verification_required=False)
    talks = [await event.propose(GUILD, ADMIN, f"Talk {i}", "x") for i in range(7)]
    second = await EventService.open(database)
    try:
        levels = (25, 75, 100)
        calls = []
        for u in range(500):
            actor = Actor(10_000 + u, f"Attendee {u}")
            svc = event if u % 2 else second
            calls.append(svc.set_interest(GUILD, actor, talks[u % 7].id, levels[u % 3]))
        results = await asyncio.gather(*calls, return_exceptions=True)
    finally:
        await second.close()
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    stored = {(r["user_id"], r["session_id"], r["level"]) for r in await rows(
        event.db, "SELECT user_id, session_id, level FROM interest WHERE user_id >= 10000")}
    expected = {(10_000 + u, talks[u % 7].id, levels[u % 3]) for u in range(500)}
    assert stored == expected
