"""SQL for the runs of the scheduler (`solve_runs`): one row per run, filled by whichever process
solves it (bot/event/runs.py says who does what)."""

from __future__ import annotations

from bot.storage.database import Row, Tx

ACTIVE = ("queued", "running")
FINAL = ("done", "failed", "cancelled")
#: Every column but the snapshot, which can be large and is read only to solve.
_COLUMNS = ("id, guild_id, requested_by, requested_at, options_json, status, attempts, "
            "cancel_requested, job_id, worker, started_at, utility, upper_bound, elapsed, "
            "progress_at, version_id, error, finished_at")


async def insert(conn: Tx, guild_id: int, requested_by: int, now: str, options_json: str,
                 instance_json: str) -> int:
    return await conn.fetchval(
        "INSERT INTO solve_runs (guild_id, requested_by, requested_at, options_json, "
        "instance_json) VALUES (?, ?, ?, ?, ?) RETURNING id",
        (guild_id, requested_by, now, options_json, instance_json))


async def get(conn: Tx, run_id: int) -> Row | None:
    return await conn.fetchone(f"SELECT {_COLUMNS} FROM solve_runs WHERE id = ?", (run_id,))


async def snapshot(conn: Tx, run_id: int) -> str | None:
    """The engine's input of a run, as JSON (None once the run has ended)."""
    return await conn.fetchval("SELECT instance_json FROM solve_runs WHERE id = ?", (run_id,))


async def active(conn: Tx, guild_id: int) -> Row | None:
    """The guild's queued or running run, if any (at most one: a unique index says so)."""
    return await conn.fetchone(
        f"SELECT {_COLUMNS} FROM solve_runs WHERE guild_id = ? "
        "AND status IN ('queued', 'running')", (guild_id,))


async def of_guild(conn: Tx, guild_id: int, limit: int) -> list[Row]:
    """The guild's latest runs, newest first."""
    return await conn.fetchall(
        f"SELECT {_COLUMNS} FROM solve_runs WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
        (guild_id, limit))


async def latest(conn: Tx, limit: int) -> list[Row]:
    """The latest runs of every guild, newest first (what an operator's status shows)."""
    return await conn.fetchall(f"SELECT {_COLUMNS} FROM solve_runs ORDER BY id DESC LIMIT ?",
                               (limit,))


async def set_job(conn: Tx, run_id: int, job_id: int) -> None:
    await conn.execute("UPDATE solve_runs SET job_id = ? WHERE id = ?", (job_id, run_id))


async def start_attempt(conn: Tx, run_id: int, now: str, worker: str) -> int:
    """Mark the run running under a new attempt by `worker`; that attempt's number."""
    return await conn.fetchval(
        "UPDATE solve_runs SET status = 'running', attempts = attempts + 1, started_at = ?, "
        "worker = ?, utility = NULL, upper_bound = NULL, elapsed = NULL, progress_at = NULL "
        "WHERE id = ? RETURNING attempts", (now, worker, run_id))


async def record_progress(conn: Tx, run_id: int, attempt: int, utility: int, upper_bound: int,
                          elapsed: float, now: str) -> Row | None:
    """Store an attempt's latest figures; the run's `cancel_requested`, or None when this
    attempt no longer owns the run (it ended, or a later attempt took it over)."""
    return await conn.fetchone(
        "UPDATE solve_runs SET utility = ?, upper_bound = ?, elapsed = ?, progress_at = ? "
        "WHERE id = ? AND attempts = ? AND status = 'running' RETURNING cancel_requested",
        (utility, upper_bound, elapsed, now, run_id, attempt))


async def owned(conn: Tx, run_id: int, attempt: int) -> Row | None:
    """As `record_progress`, without figures to store."""
    return await conn.fetchone(
        "SELECT cancel_requested FROM solve_runs WHERE id = ? AND attempts = ? "
        "AND status = 'running'", (run_id, attempt))


async def request_cancel(conn: Tx, run_id: int) -> None:
    await conn.execute("UPDATE solve_runs SET cancel_requested = TRUE WHERE id = ?", (run_id,))


async def requeue(conn: Tx, run_id: int, attempt: int, error: str | None = None,
                  counted: bool = True) -> bool:
    """Put a running attempt's run back in the queue (with the error that stopped it); a run
    handed back by a stopping worker (`counted=False`) gets its attempt back. False when the
    attempt no longer owns the run."""
    return await conn.execute(
        "UPDATE solve_runs SET status = 'queued', error = coalesce(?, error), "
        "attempts = attempts - ? WHERE id = ? AND attempts = ? AND status = 'running'",
        (error, 0 if counted else 1, run_id, attempt)) == 1


async def finish(conn: Tx, run_id: int, status: str, now: str, *, error: str | None = None,
                 version_id: int | None = None) -> bool:
    """End an active run (done, failed or cancelled), dropping its snapshot; False when it had
    ended already."""
    assert status in FINAL
    return await conn.execute(
        "UPDATE solve_runs SET status = ?, error = ?, version_id = ?, finished_at = ?, "
        "instance_json = NULL WHERE id = ? AND status IN ('queued', 'running')",
        (status, error, version_id, now, run_id)) == 1


async def unqueued(conn: Tx, before: str) -> list[Row]:
    """Queued runs that were never handed to the job queue, requested before `before`: their
    requester stopped between writing the run and queueing it."""
    return await conn.fetchall(
        f"SELECT {_COLUMNS} FROM solve_runs WHERE status = 'queued' AND job_id IS NULL "
        "AND requested_at < ? ORDER BY id", (before,))


async def active_runs(conn: Tx) -> list[Row]:
    """Every queued or running run, of every guild, oldest first."""
    return await conn.fetchall(
        f"SELECT {_COLUMNS} FROM solve_runs WHERE status IN ('queued', 'running') ORDER BY id")


async def worker_seen(conn: Tx, name: str, concurrency: int, now: str) -> None:
    await conn.execute(
        "INSERT INTO solve_workers (name, concurrency, started_at, seen_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, "
        "seen_at = excluded.seen_at", (name, concurrency, now, now))


async def worker_gone(conn: Tx, name: str) -> None:
    await conn.execute("DELETE FROM solve_workers WHERE name = ?", (name,))


async def workers(conn: Tx) -> list[Row]:
    return await conn.fetchall(
        "SELECT name, concurrency, started_at, seen_at FROM solve_workers ORDER BY name")
