"""Personal reminders as APScheduler jobs (no Discord import here): for every attendee who
turned reminders on, one DM `minutes` before each session of their itinerary (the session they
present in the slot, else the one they rated highest; as /myschedule shows).

Like the announcer: jobs are rebuilt from the database at start, on every publish and when
someone changes their reminders; each reminder is *claimed* in the database before it is sent
(PersonalStore.claim_reminder), so a restart never doubles one; at start, reminders missed while
the bot was down are sent once if their session has not started yet.

When a DM fails because the user's DMs are closed, that is recorded: their jobs are dropped and
no reminder is tried again until they run /remind on again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.event import EventService
from bot.event.errors import EventError
from bot.event.models import SYSTEM, DmOutcome, Entry, EventSettings, SlotView
from bot.jobs.timed import TimedJobs, nonce
from bot.shards import in_guild
from bot.storage.personal import PersonalStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reminder:
    guild_id: int
    user_id: int
    slot: SlotView
    entry: Entry
    minutes: int

    @property
    def at(self) -> float:
        return self.slot.start.timestamp() - 60 * self.minutes

    @property
    def job_id(self) -> str:
        return f"{self.guild_id}:{self.user_id}:{self.slot.id}"


# send(reminder, event settings, nonce) DMs one reminder with that nonce and says how it went
Sender = Callable[[Reminder, EventSettings, str], Awaitable[DmOutcome]]


class Reminders(TimedJobs):
    def __init__(self, service: EventService, store: PersonalStore, send: Sender, *,
                 clock: Callable[[], float] = time.time, holder: str | None = None):
        self.service, self.store, self.send = service, store, send
        super().__init__(clock, holder)

    async def plan_user(self, guild_id: int, user_id: int, minutes: int) -> list[Reminder]:
        """The user's reminders over the published timetable (past ones included)."""
        try:
            items = await self.service.itinerary(guild_id, SYSTEM, user_id=user_id)
        except EventError:
            return []
        return [Reminder(guild_id, user_id, it.slot, it.expected, minutes)
                for it in items if it.expected is not None and not it.slot.is_break
                and not it.continued]  # a session of several slots: at its start only

    async def plan(self, guild_id: int) -> list[Reminder]:
        out = []
        for user_id, minutes in (await self.store.reminder_users(guild_id)).items():
            out += await self.plan_user(guild_id, user_id, minutes)
        return sorted(out, key=lambda r: (r.at, r.user_id))

    async def rebuild(self, guild_id: int, user_id: int | None = None) -> list[Reminder]:
        """Re-arm the guild's jobs (or one user's); send at once those whose time has passed
        but whose session has not started. Returns the reminders sent now."""
        with in_guild(guild_id):
            return await self._rebuild(guild_id, user_id)

    async def _rebuild(self, guild_id: int, user_id: int | None) -> list[Reminder]:
        if user_id is None:
            self.drop(f"{guild_id}:")
            planned = await self.plan(guild_id)
        else:
            self.drop(f"{guild_id}:{user_id}:")
            minutes = (await self.store.reminder_users(guild_id)).get(user_id)
            planned = [] if minutes is None else await self.plan_user(guild_id, user_id, minutes)
        fired = []
        for r in planned:
            if self.arm(r.job_id, r.at, self.fire, r, grace_seconds=60 * r.minutes):
                continue
            if self.clock() < r.slot.start.timestamp() and await self.fire(r):
                fired.append(r)
        return fired

    async def fire(self, r: Reminder) -> bool:
        """Send one reminder unless it was sent already, the user turned reminders off, their
        DMs are closed, or the timetable changed so that they are elsewhere in that slot."""
        with in_guild(r.guild_id):
            return await self._fire(r)

    async def _fire(self, r: Reminder) -> bool:
        minutes = (await self.store.reminder_users(r.guild_id)).get(r.user_id)
        if minutes is None:
            return False
        fresh = {x.slot.id: x for x in await self.plan_user(r.guild_id, r.user_id, minutes)}
        r = fresh.get(r.slot.id)  # type: ignore[assignment]
        if r is None:
            return False
        if not await self.store.claim_reminder(r.guild_id, r.user_id, r.slot.id,
                                               r.entry.session_id, self.holder,
                                               self.take_over()):
            return False
        try:
            settings = await self.service.settings(r.guild_id, SYSTEM)
            outcome = await self.send(r, settings, nonce(r.job_id))
        except Exception:
            log.exception("reminder %s failed", r.job_id)
            outcome = "failed"
        if outcome == "failed":  # tried again at the next rebuild while the session is ahead
            await self.store.release_reminder(r.guild_id, r.user_id, r.slot.id)
            return False
        await self.store.reminder_done(r.guild_id, r.user_id, r.slot.id, outcome)
        if outcome == "closed":
            await self.store.mark_dms_closed(r.guild_id, r.user_id)
            self.drop(f"{r.guild_id}:{r.user_id}:")
            return False
        self.sent += 1
        return True
