"""PostingStore: the bot's records of messages to edit and announcements already sent."""

from __future__ import annotations

import asyncio

from bot.event.models import Actor
from bot.storage.database import now_text
from bot.storage.posting import PostingStore
from tests.bot.conftest import ADMIN, GUILD, OTHER_GUILD

SMALL = """
[[rooms]]
name = "Closet"
capacity = 10

[[days]]
date = 2026-07-06
slots = [{ start = "09:00", end = "10:00" }]
"""


async def test_posted_messages_replace_per_guild_and_kind(event) -> None:
    store = PostingStore(event.db)
    await event.setup_event(OTHER_GUILD, ADMIN)
    assert await store.posted_messages(GUILD, "timetable") == {}
    await store.set_posted_messages(GUILD, "timetable", {"2026-07-06": (1, 10),
                                                         "2026-07-07": (1, 11)})
    await store.set_posted_messages(OTHER_GUILD, "timetable", {"2026-07-06": (2, 20)})
    await store.set_posted_messages(GUILD, "timetable", {"2026-07-06": (1, 10)})
    assert await store.posted_messages(GUILD, "timetable") == {"2026-07-06": (1, 10)}
    assert await store.posted_messages(OTHER_GUILD, "timetable") == {"2026-07-06": (2, 20)}
    assert await store.posted_messages(GUILD, "other") == {}


async def test_one_posted_message_is_recorded_and_replaced_by_key(event) -> None:
    """On each engine: a session's post, found by its key, replaced when posted again."""
    store = PostingStore(event.db)
    await event.setup_event(OTHER_GUILD, ADMIN)
    assert await store.posted_message(GUILD, "session", "7") is None
    await store.set_posted_message(GUILD, "session", "7", 1, 10)
    await store.set_posted_message(OTHER_GUILD, "session", "7", 2, 20)
    await store.set_posted_message(GUILD, "session", "7", 3, 30)
    assert await store.posted_message(GUILD, "session", "7") == (3, 30)
    assert await store.posted_message(OTHER_GUILD, "session", "7") == (2, 20)
    assert await store.posted_messages(GUILD, "session") == {"7": (3, 30)}


#: Windows in which a claim left by another holder is taken over: any claim, none.
LATE = "2999-01-01T00:00:00+00:00"
ANY, NONE = ("2000-01-01T00:00:00+00:00", LATE), (LATE, LATE)


async def test_an_announcement_is_claimed_once_even_concurrently(event) -> None:
    store = PostingStore(event.db)
    claims = await asyncio.gather(*(store.claim_announcement(GUILD, "slot:1", "up-next",
                                                             "a", ANY)
                                    for _ in range(20)))
    assert claims.count(True) == 1
    assert await store.claim_announcement(GUILD, "slot:1", "agenda", "a", ANY)
    await store.release_announcement(GUILD, "slot:1", "up-next")
    assert await store.claim_announcement(GUILD, "slot:1", "up-next", "a", ANY)


async def test_an_announcement_left_sending_is_taken_over_once_while_recent(event) -> None:
    """A claim whose holder was killed before Discord took the message: another holder
    takes it over, once, if it was made since the instant given; a sent one, never."""
    store = PostingStore(event.db)
    assert await store.claim_announcement(GUILD, "slot:1", "up-next", "a", ANY)
    assert not await store.claim_announcement(GUILD, "slot:1", "up-next", "b", NONE)
    assert not await store.claim_announcement(GUILD, "slot:1", "up-next", "a", ANY)
    started = (ANY[0], now_text())  # the processes taking over started after the claim
    taken = await asyncio.gather(*(store.claim_announcement(GUILD, "slot:1", "up-next",
                                                            holder, started)
                                   for holder in ("b", "c", "d")))
    assert taken.count(True) == 1
    await store.announcement_sent(GUILD, "slot:1", "up-next")
    assert not await store.claim_announcement(GUILD, "slot:1", "up-next", "e", ANY)


async def test_published_guilds(event, solve_worker) -> None:
    store = PostingStore(event.db)
    assert await store.published_guilds() == []
    await event.import_timetable_toml(GUILD, ADMIN, SMALL, force=True)
    s = await event.propose(GUILD, ADMIN, "Packed talk", "d")
    for u in range(30):
        await event.set_interest(GUILD, Actor(100 + u, is_admin=True), s.id, 100)
    v = await event.run_schedule(GUILD, ADMIN, time_limit=1, iterations=50)
    await event.publish(GUILD, ADMIN, v.id)
    assert await store.published_guilds() == [GUILD]
