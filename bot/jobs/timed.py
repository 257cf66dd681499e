"""One-shot jobs at given times, re-armed from storage: what announcements and reminders share.

Times come from an injectable clock (epoch seconds) and jobs are armed that many seconds from
now in real time, so a test can set the clock just before a job and see it fire.

Each job claims its message in the database before sending it, under this process's `holder`,
and sends it with a nonce derived from the job (`nonce`): Discord, asked to enforce it, returns
the message already made with that nonce instead of making another. So a process that takes
over a claim a killed process left half-done (within `TAKE_OVER_SECONDS`, well inside the few
minutes Discord keeps nonces) sends the message once, whether or not the first try reached
Discord.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

#: How recent a claim left by a killed process must be for another to send it again: older,
#: Discord may have forgotten the nonce, and the message counts as sent.
TAKE_OVER_SECONDS = 90


def nonce(job_id: str, part: int = 0) -> str:
    """The nonce of a job's message (`part` of a message in several): the same in every
    process, 24 characters (Discord takes at most 25)."""
    digest = hashlib.blake2b(job_id.encode(), digest_size=15).digest()
    return f"{base64.b32encode(digest).decode()[:22]}{part:02d}"


class TimedJobs:
    def __init__(self, clock: Callable[[], float] = time.time, holder: str | None = None):
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.started = asyncio.Event()  # set once the jobs are armed after start
        # this process's name on the claims it makes (the bot's `Process` name)
        self.holder = holder or secrets.token_hex(8)
        self._born = datetime.now(UTC)
        self.sent = 0  # how many this process sent

    async def start(self, guild_ids: list[int]) -> None:
        """Arm the jobs of these guilds (those whose shard this process runs)."""
        self.scheduler.start()
        try:
            for guild_id in guild_ids:
                await self.rebuild(guild_id)
        finally:
            self.started.set()

    async def rebuild(self, guild_id: int) -> Any:
        """Re-arm the guild's jobs from the database."""
        raise NotImplementedError

    def take_over(self) -> tuple[str, str]:
        """The instants (as stored) between which a claim another holder still holds is
        taken over: recent enough for Discord to know its nonce, and made before this
        process started (its holder was killed: one process at a time owns a guild)."""
        since = datetime.now(UTC) - timedelta(seconds=TAKE_OVER_SECONDS)
        return since.isoformat(), self._born.isoformat()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def drop(self, prefix: str) -> None:
        """Remove the armed jobs whose id starts with `prefix` (a guild's, a user's)."""
        for job in self.scheduler.get_jobs():
            if job.id.startswith(prefix):
                job.remove()

    def arm(self, job_id: str, at: float, fire: Callable[[Any], Awaitable[Any]], arg: Any,
            grace_seconds: int) -> bool:
        """Arm `fire(arg)` at clock time `at`; False when that time has passed (not armed).

        Before the scheduler runs nothing is armed: starting re-arms everything anyway.
        """
        if at <= self.clock():
            return False
        if self.scheduler.running:
            run_at = datetime.now(UTC) + timedelta(seconds=at - self.clock())
            self.scheduler.add_job(fire, DateTrigger(run_date=run_at), args=[arg], id=job_id,
                                   replace_existing=True, misfire_grace_time=grace_seconds)
        return True

    def pending_jobs(self) -> list[str]:
        return sorted(j.id for j in self.scheduler.get_jobs())
