"""Personal records in the rules layer: reminder opt-ins and their range, closed DMs, claims
that hold across a reopened database, and each run's baseline for the preview."""

from __future__ import annotations

import asyncio

import pytest

from bot.event import EventService, InvalidInput, NotFound
from bot.event.changes import local_time
from bot.event.scheduling import snapshot
from bot.storage import schedules
from bot.storage.database import now_text
from bot.storage.personal import PersonalStore
from scheduler_core.evaluate import utility_of
from tests.bot.conftest import ADMIN, ALICE, BOB, GUILD, verified

FAST = {"time_limit": 0.5, "iterations": 2000}
#: Windows in which a claim left by another holder is taken over: any claim, none.
LATE = "2999-01-01T00:00:00+00:00"
ANY, NONE = ("2000-01-01T00:00:00+00:00", LATE), (LATE, LATE)
A, B = ("a", ANY), ("b", ANY)  # two holders (processes)


async def baseline(event: EventService, version_id: int):
    return await event.db.read(lambda conn: schedules.baseline(conn, GUILD, version_id))


async def test_reminder_prefs_range_and_closed_dms(event: EventService) -> None:
    store = PersonalStore(event.db)
    prefs = await event.reminder_prefs(GUILD, ALICE)
    assert (prefs.enabled, prefs.minutes_before, prefs.dms_closed) == (False, 10, False)
    for bad in (0, 121, -5, True, "10"):
        with pytest.raises(InvalidInput):
            await event.set_reminders(GUILD, ALICE, True, bad)
    with pytest.raises(NotFound):
        await event.set_reminders(9999, ALICE, True)
    assert (await event.set_reminders(GUILD, ALICE, True, 25)).minutes_before == 25
    assert (await event.set_reminders(GUILD, ALICE, False)).minutes_before == 25  # kept
    await event.set_reminders(GUILD, BOB, True)
    assert await store.reminder_users(GUILD) == {BOB.user_id: 10}

    await store.mark_dms_closed(GUILD, BOB.user_id)
    assert await store.reminder_users(GUILD) == {}
    assert (await event.set_reminders(GUILD, BOB, False)).dms_closed  # off keeps the record
    assert not (await event.set_reminders(GUILD, BOB, True)).dms_closed  # on tries again
    assert await store.reminder_users(GUILD) == {BOB.user_id: 10}


async def test_claims_hold_once_even_after_reopening(event: EventService, database) -> None:
    store = PersonalStore(event.db)
    assert await store.claim_reminder(GUILD, 11, 5, 7, *A)
    assert not await store.claim_reminder(GUILD, 11, 5, 8, *A)
    await store.release_reminder(GUILD, 11, 5)
    assert await store.claim_reminder(GUILD, 11, 5, 8, *A)
    await store.reminder_done(GUILD, 11, 5, "sent")
    assert await store.claim_notice(GUILD, 1, 2, 11)
    assert await store.claim_notice(GUILD, 2, 1, 11)  # moving back is news again
    await store.notice_done(GUILD, 1, 2, 11, "sent")
    await event.close()
    reopened = await EventService.open(database)
    try:
        store = PersonalStore(reopened.db)
        assert not await store.claim_reminder(GUILD, 11, 5, 8, *B)  # done: not taken over
        assert not await store.claim_notice(GUILD, 1, 2, 11)
        assert await store.sent_reminders(GUILD) == [(11, 5, 8, "sent")]
    finally:
        await reopened.close()


async def test_a_reminder_left_sending_is_taken_over_once_while_recent(event) -> None:
    """A claim whose holder was killed while sending: another holder takes it over (once,
    even when many try at once) if it was made since the instant given; its own holder
    never takes it again, and a done one is never taken."""
    store = PersonalStore(event.db)
    assert await store.claim_reminder(GUILD, 11, 5, 7, *A)
    assert not await store.claim_reminder(GUILD, 11, 5, 7, "z", NONE)  # too old by then
    assert not await store.claim_reminder(GUILD, 11, 5, 7, *A)  # its own holder is sending
    started = (ANY[0], now_text())  # the processes taking over started after the claim
    taken = await asyncio.gather(*(store.claim_reminder(GUILD, 11, 5, 7, holder, started)
                                   for holder in ("b", "c", "d")))
    assert taken.count(True) == 1
    await store.reminder_done(GUILD, 11, 5, "sent")
    assert not await store.claim_reminder(GUILD, 11, 5, 7, "e", ANY)
    assert await store.sent_reminders(GUILD) == [(11, 5, 7, "sent")]


async def test_a_run_after_publishing_stores_what_keeping_it_is_worth(
        event: EventService, solve_worker) -> None:
    for who in (ALICE, BOB):
        await verified(event, who)
    ids = [(await event.propose(GUILD, who, f"Talk {who.user_id}-{i}", "x")).id
           for who in (ALICE, BOB) for i in range(3)]
    v1 = await event.run_schedule(GUILD, ADMIN, **FAST)
    assert await baseline(event, v1.id) is None  # nothing published to compare with
    await event.publish(GUILD, ADMIN, v1.id)
    await event.set_interest(GUILD, ALICE, ids[3], 100)
    await event.set_interest(GUILD, BOB, ids[0], 75)
    v2 = await event.run_schedule(GUILD, ADMIN, **FAST)
    base = await baseline(event, v2.id)
    instance = await event.db.read(lambda conn: snapshot(conn, GUILD))
    assert base is not None and base["based_on"] == v1.id
    assert base["kept_utility"] == utility_of(instance, instance.previous)
    found = await event.preview_version(GUILD, ADMIN, v2, local_time("Europe/Brussels"))
    assert found.based_on == v1.id and found.gain == v2.utility - base["kept_utility"]
    assert len(found.move_lines) == len(found.moves)
