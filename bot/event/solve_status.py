"""What `session-scheduler status` says about solving: the solve workers that announced
themselves (alive when seen within `stalled` seconds) and the runs queued or running, of every
guild. Read from the bot's own tables, so it is the same on both engines (on SQLite the bot's
process solves and there are no workers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.event import views
from bot.event.models import SolveRun
from bot.storage import Database, Tx, runs


@dataclass(frozen=True, slots=True)
class WorkerSeen:
    name: str
    concurrency: int
    started_at: str
    seen_at: str
    alive: bool


@dataclass(frozen=True, slots=True)
class SolveStatus:
    workers: tuple[WorkerSeen, ...]
    runs: tuple[SolveRun, ...]  # queued or running, oldest first

    @property
    def alive(self) -> list[WorkerSeen]:
        return [w for w in self.workers if w.alive]

    @property
    def queued(self) -> list[SolveRun]:
        return [r for r in self.runs if r.status == "queued"]

    @property
    def running(self) -> list[SolveRun]:
        return [r for r in self.runs if r.status == "running"]


async def solve_status(db: Database, stalled: float = 60.0,
                       now: datetime | None = None) -> SolveStatus:
    now = now or datetime.now(UTC)

    async def tx(conn: Tx) -> SolveStatus:
        seen = [WorkerSeen(w["name"], w["concurrency"], w["started_at"], w["seen_at"],
                           (now - datetime.fromisoformat(w["seen_at"])).total_seconds() < stalled)
                for w in await runs.workers(conn)]
        active = [views.solve_run(r) for r in await runs.active_runs(conn)]
        return SolveStatus(tuple(seen), tuple(active))
    return await db.read(tx)


def status_lines(status: SolveStatus, kind: str) -> list[str]:
    """The status as an operator reads it; `kind` is the database engine."""
    lines = []
    if kind == "postgresql":
        slots = sum(w.concurrency for w in status.alive)
        lines.append(f"solve workers alive: {len(status.alive)} ({slots} solves at once)")
        for w in status.workers:
            lines.append(f"  {w.name}: {w.concurrency} at once, last seen {w.seen_at}"
                         + ("" if w.alive else " (silent: stopped?)"))
    else:
        lines.append("solve workers: none needed (SQLite: the bot solves its runs itself)")
    lines.append(f"runs queued: {len(status.queued)}, running: {len(status.running)}")
    for r in status.runs:
        figures = ("" if r.utility is None
                   else f", utility {r.utility:,} of bound {r.upper_bound:,}")
        where = f" on {r.worker}" if r.status == "running" and r.worker else ""
        lines.append(f"  run {r.id} (server {r.guild_id}): {r.status}{where}, attempt "
                     f"{r.attempts}, asked {r.requested_at}{figures}"
                     + (", stop asked" if r.cancel_requested else ""))
    return lines
