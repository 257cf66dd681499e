"""Runs of the scheduler through a job queue in the event's own PostgreSQL database, so that any
machine reaching the database can solve: `session-scheduler worker` (bot/worker.py).

The queue is procrastinate: it lives in PostgreSQL itself (no broker to run), its jobs survive
restarts, and its workers send heartbeats, by which the jobs of a worker that stopped without a
word are found (`get_stalled_jobs`); LISTEN/NOTIFY starts a new job at once. Its tables live in
a PostgreSQL schema of their own, `procrastinate` (its documented way: the connections'
search_path), so the bot's own schema stays the same on both engines. The bot or a worker that
opens a database without them creates them, under the migrations' advisory lock, so two
processes starting together create them once.

A job carries only its run's id; the run's row says everything else (bot/event/runs.py).

- The bot (`QueueSolver`) defers one job per run, with the run as the job's `queueing_lock`
  and `lock` (at most one job of a run waits, and one runs), and notes the job's id in the run.
  Cancelling a queued run cancels its job.
- A worker (`serve`) is procrastinate's worker running `concurrency` jobs at once, each one
  attempt at its run (`execute_run`, the engine in a child process, so the worker's event loop
  stays free and its heartbeats keep flowing). Beside it, every few seconds, it retries the
  jobs of workers that stopped sending heartbeats, and queues runs whose requester stopped
  between writing them and queueing them. The run's attempts bound how often a run is retried.
- SIGTERM: the worker takes no new job and gives the running ones `grace` seconds to finish;
  those still running are then cancelled: each stops its engine and hands its run back (its job
  retried at once, the attempt not counted), so another worker takes it. The process ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions
from psycopg import sql

from bot.event.runs import NO_WORKER, Outcome, Solver, execute_run, process_name
from bot.event.solving import engine_worker
from bot.storage import Database, Row, now_text, open_database, runs
from bot.storage.postgresql import MIGRATION_LOCK

log = logging.getLogger(__name__)
SCHEMA = "procrastinate"
TASK = "session_scheduler:solve_run"
QUEUE = "solves"
#: A worker silent this many seconds has stopped (default of `WorkerOptions.stalled`).
STALLED = 60.0


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How a worker runs (config keys `solve_attempts`, `worker_*`)."""

    concurrency: int = 1
    attempts: int = 3
    heartbeat: float = 10.0   # seconds between a worker's heartbeats
    stalled: float = STALLED  # a worker silent this long has stopped: its jobs are retried
    grace: float = 30.0       # on SIGTERM, how long running solves may take to finish

    @property
    def check_every(self) -> float:
        """How often a worker looks for stalled jobs and new jobs it missed."""
        return max(0.1, min(5.0, self.heartbeat))


class TryAgain(Exception):
    """The engine failed and the run has attempts left: its job is retried."""


#: Seconds before a job that raised (the database unreachable, say) is tried again.
RETRY_AFTER_ERROR = 5


class _Retry(procrastinate.BaseRetryStrategy):
    """Retry at once a job whose run went back to the queue: its engine failed with attempts
    left, or its worker stopped and handed it back. A job that raised is tried again a little
    later: its run must not stay active with no job to finish it. The run's attempts, not the
    job's, bound how often (an attempt past them ends the run)."""

    def get_retry_decision(self, *, exception: BaseException,
                           job: Any) -> procrastinate.RetryDecision | None:
        if isinstance(exception, TryAgain | asyncio.CancelledError):
            return procrastinate.RetryDecision(retry_in={"seconds": 0})
        if isinstance(exception, Exception):
            log.warning("run %s: %r; trying again", job.task_kwargs.get("run_id"), exception)
            return procrastinate.RetryDecision(retry_in={"seconds": RETRY_AFTER_ERROR})
        return None


@dataclass(frozen=True, slots=True)
class _Context:
    db: Database
    clock: Callable[[], float]
    attempts: int
    target: Callable[..., None]
    name: str


async def _solve_run(context: procrastinate.JobContext, run_id: int) -> str:
    """The job: one attempt at the run."""
    ctx: _Context = context.additional_context["runs"]
    outcome = await execute_run(ctx.db, run_id, clock=ctx.clock, attempts=ctx.attempts,
                                target=ctx.target, interrupted="requeue", worker=ctx.name)
    if outcome is Outcome.RETRY:
        raise TryAgain(f"run {run_id}: the engine failed; trying again")
    return outcome.value


def make_app(url: str, pool_size: int = 4) -> procrastinate.App:
    """The queue on the database at `url`, its tables in their own schema."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=url, kwargs={"options": f"-c search_path={SCHEMA}"},
        min_size=1, max_size=pool_size))
    app.task(name=TASK, queue=QUEUE, pass_context=True, retry=_Retry())(_solve_run)
    return app


async def ensure_schema(app: procrastinate.App, url: str) -> None:
    """Create the queue's schema if the database lacks it, once even when several processes
    start together."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                sql.Identifier(SCHEMA)))
            if not await app.check_connection_async():
                await app.schema_manager.apply_schema_async()
                log.info("created the job queue's tables (schema %s)", SCHEMA)
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


async def _defer(app: procrastinate.App, db: Database, run_id: int) -> None:
    try:
        job_id = await app.configure_task(
            TASK, queueing_lock=f"run:{run_id}", lock=f"run:{run_id}").defer_async(run_id=run_id)
    except exceptions.AlreadyEnqueued:
        return  # a job of this run waits already
    await db.write(lambda conn: runs.set_job(conn, run_id, job_id))


class QueueSolver(Solver):
    """PostgreSQL: a run is a job that any worker on the database may take. The queue is
    opened, and its schema made, on the first run this process asks for."""

    def __init__(self, db: Database, url: str, stalled: float = STALLED):
        self.db, self.url, self.stalled = db, url, stalled
        self._app: procrastinate.App | None = None
        self._opening = asyncio.Lock()

    async def app(self) -> procrastinate.App:
        async with self._opening:
            if self._app is None:
                app = make_app(self.url)
                await app.open_async()
                try:
                    await ensure_schema(app, self.url)
                except BaseException:
                    await app.close_async()
                    raise
                self._app = app
            return self._app

    async def submit(self, run_id: int) -> None:
        await _defer(await self.app(), self.db, run_id)

    def is_alive(self, run: Row) -> bool:
        return True  # the workers' checks take up the runs of workers that stopped

    async def waiting_for(self) -> str | None:
        """NO_WORKER when no worker said it was alive within `stalled` seconds."""
        since = datetime.now(UTC) - timedelta(seconds=self.stalled)
        seen = await self.db.read(runs.workers)
        alive = any(datetime.fromisoformat(w["seen_at"]) >= since for w in seen)
        return None if alive else NO_WORKER

    async def cancelled(self, run: Row) -> None:
        if run["job_id"] is not None:
            await (await self.app()).job_manager.cancel_job_by_id_async(run["job_id"])

    async def close(self) -> None:
        if self._app is not None:
            await self._app.close_async()
            self._app = None


async def recover(app: procrastinate.App, db: Database, options: WorkerOptions) -> None:
    """Retry the jobs of workers silent for `options.stalled` seconds, and queue the runs left
    unqueued that long."""
    stalled = await app.job_manager.get_stalled_jobs(
        task_name=TASK, seconds_since_heartbeat=options.stalled)
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
            log.warning("run %s: its worker stopped; the job goes back to the queue",
                        job.task_kwargs.get("run_id"))
        except exceptions.ConnectorException:
            pass  # another worker retried it first
    before = (datetime.now(UTC) - timedelta(seconds=options.stalled)).isoformat()
    for row in await db.read(lambda conn: runs.unqueued(conn, before)):
        await _defer(app, db, row["id"])


async def _recover_forever(app: procrastinate.App, db: Database, options: WorkerOptions,
                           name: str) -> None:
    """Every `check_every` seconds: say this worker is alive (`solve_workers`, for status),
    and recover what stopped workers left."""
    while True:
        try:
            await db.write(lambda conn: runs.worker_seen(conn, name, options.concurrency,
                                                         now_text()))
            await recover(app, db, options)
        except Exception:
            log.warning("could not look for stalled solves", exc_info=True)
        await asyncio.sleep(options.check_every)


async def serve(url: str, options: WorkerOptions, *, clock: Callable[[], float] = time.time,
                target: Callable[..., None] = engine_worker,
                install_signal_handlers: bool = True, name: str | None = None,
                ready: asyncio.Event | None = None) -> None:
    """Run a worker on the database at `url` until it is stopped (SIGTERM or SIGINT with
    `install_signal_handlers`, else by cancelling this coroutine). `ready` is set once it
    takes jobs."""
    name = name or process_name("worker")
    db = await open_database(url)
    try:
        app = make_app(url, pool_size=options.concurrency + 4)
        async with app.open_async():
            await ensure_schema(app, url)
            recovering = asyncio.create_task(_recover_forever(app, db, options, name),
                                             name="recover stalled solves")
            if ready is not None:
                ready.set()
            try:
                await app.run_worker_async(
                    queues=[QUEUE], name=name,
                    concurrency=options.concurrency,
                    install_signal_handlers=install_signal_handlers,
                    update_heartbeat_interval=options.heartbeat,
                    stalled_worker_timeout=options.stalled,
                    shutdown_graceful_timeout=options.grace,
                    fetch_job_polling_interval=options.check_every,
                    abort_job_polling_interval=options.check_every,
                    delete_jobs="successful",
                    additional_context={"runs": _Context(db, clock, options.attempts, target,
                                                         name)})
            finally:
                recovering.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await recovering
                with contextlib.suppress(Exception):
                    await db.write(lambda conn: runs.worker_gone(conn, name))
    finally:
        await db.close()
