"""One-shot jobs at given times, re-armed from storage: what announcements and reminders share.

Times come from an injectable clock (epoch seconds) and jobs are armed that many seconds from
now in real time, so a test can set the clock just before a job and see it fire.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger


class TimedJobs:
    def __init__(self, clock: Callable[[], float] = time.time):
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.started = asyncio.Event()  # set once the jobs are armed after start

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
