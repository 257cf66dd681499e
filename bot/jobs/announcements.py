"""Announcements from the published timetable, as APScheduler jobs (no Discord import here).

- "up next": `lead` minutes before each slot that holds sessions;
- "agenda": at a configured local time on each day of the event.

Jobs are rebuilt from the database at start and on every publish. Each announcement is
*claimed* in the database before it is sent (PostingStore.claim_announcement), so a restart
never doubles one; at start, those missed by at most `catch_up` are sent once.

The clock is injectable (see bot/jobs/timed.py), so a test can set it just before an
announcement.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as dtime
from typing import Any

from bot.event import EventService
from bot.event.errors import EventError
from bot.event.models import SYSTEM, PublishedTimetable
from bot.event.times import zone
from bot.jobs.timed import TimedJobs, nonce
from bot.shards import in_guild
from bot.storage.posting import PostingStore

log = logging.getLogger(__name__)

# send(guild_id, kind, payload, nonces) posts one announcement, its n-th message with nonces(n);
# payload is a PublishedSlot ("up-next") or a PublishedDay ("agenda"). It returns False when
# there is nowhere to post.
Sender = Callable[[int, str, Any, Callable[[int], str]], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Planned:
    guild_id: int
    key: str
    kind: str
    at: float  # epoch seconds
    payload: Any

    @property
    def job_id(self) -> str:
        return f"{self.guild_id}:{self.kind}:{self.key}"


class Announcer(TimedJobs):
    def __init__(self, service: EventService, posting: PostingStore, send: Sender, *,
                 lead_minutes: int = 10, agenda_time: dtime | None = dtime(8, 0),
                 catch_up_minutes: int = 15, clock: Callable[[], float] = time.time,
                 holder: str | None = None):
        self.service, self.posting, self.send = service, posting, send
        self.lead = lead_minutes * 60
        self.agenda_time = agenda_time
        self.catch_up = catch_up_minutes * 60
        super().__init__(clock, holder)

    async def plan(self, guild_id: int, tt: PublishedTimetable | None = None) -> list[Planned]:
        """Every announcement of the guild's published timetable (past ones included); `tt`:
        that timetable, when the caller has just read it (publishing)."""
        if tt is None:
            try:
                tt = await self.service.published_timetable(guild_id, SYSTEM)
            except EventError:
                return []
        tz = zone(tt.timezone)
        out: list[Planned] = []
        for day in tt.days:
            if self.agenda_time is not None and any(s.entries for s in day.slots):
                at = datetime.combine(day.date, self.agenda_time, tzinfo=tz).timestamp()
                out.append(Planned(guild_id, f"day:{day.date.isoformat()}", "agenda", at, day))
            for ps in day.slots:
                if ps.slot.is_break or not ps.entries:
                    continue
                at = ps.slot.start.timestamp() - self.lead
                out.append(Planned(guild_id, f"slot:{ps.slot.id}", "up-next", at, ps))
        return out

    async def rebuild(self, guild_id: int, tt: PublishedTimetable | None = None
                      ) -> list[Planned]:
        """Re-arm the guild's jobs (from `tt` when given, the published timetable); fire at
        once those due within the catch-up window. Returns the announcements fired now."""
        with in_guild(guild_id):
            self.drop(f"{guild_id}:")
            fired = []
            for p in await self.plan(guild_id, tt):
                if self.arm(p.job_id, p.at, self.fire, p, grace_seconds=max(60, self.catch_up)):
                    continue
                if self.clock() - p.at <= self.catch_up and await self.fire(p):
                    fired.append(p)
            return fired

    async def fire(self, p: Planned) -> bool:
        """Send one announcement unless it was already sent (by this or an earlier process)."""
        with in_guild(p.guild_id):
            return await self._fire(p)

    async def _fire(self, p: Planned) -> bool:
        if not await self.posting.claim_announcement(p.guild_id, p.key, p.kind, self.holder,
                                                     self.take_over()):
            return False
        try:
            # the timetable may have changed since the job was armed: send the current one
            fresh = {q.job_id: q for q in await self.plan(p.guild_id)}.get(p.job_id, p)
            if not await self.send(p.guild_id, p.kind, fresh.payload,
                                   functools.partial(nonce, p.job_id)):
                await self.posting.release_announcement(p.guild_id, p.key, p.kind)
                return False
        except Exception:
            log.exception("announcement %s failed; it will be retried at the next rebuild",
                          p.job_id)
            await self.posting.release_announcement(p.guild_id, p.key, p.kind)
            return False
        await self.posting.announcement_sent(p.guild_id, p.key, p.kind)
        self.sent += 1
        log.info("sent the %s announcement %s", p.kind, p.job_id)
        return True


