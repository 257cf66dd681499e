"""Runs of the scheduler: one row each (`solve_runs`), solved by whichever process the engine of
the database calls for, behind one interface.

- The rules (`SchedulingRules.start_schedule_run`) take the snapshot and write the run, queued,
  in one transaction (one active run per event), then hand its id to the service's `Solver`:
  `LocalSolver` on SQLite (a task of the bot's own process), `QueueSolver` on PostgreSQL
  (a job that any `session-scheduler worker` reaching the database may take,
  bot/event/solve_queue.py).
- Either way `execute_run` does the work: it claims the run under a new attempt number, runs
  the engine in a child process (bot/event/solving.py), writes the latest figures to the row
  at most once a second and reads the row's cancel flag on the same tick, then stores the
  version through the rules' own checks (`scheduling.store_run_result`) in the transaction that
  marks the run done, and only while its attempt still owns the run: a retried or duplicated
  job never stores a second version.
- Whoever asked waits by reading the row (`wait_for_end`), the same on both engines, so
  progress, cancellation and the outcome travel one way only.

A stop asked while the engine solves makes it answer with the best timetable found so far,
which is stored; an engine that has not answered `STOP_WAIT` seconds later is ended, and the
run with it (cancelled, nothing stored).

An attempt that dies with its process (a killed worker) leaves the run `running`; the next
attempt takes over, and a run started `attempts` times without finishing is failed with a
plain reason. An engine that fails is tried again up to the same bound.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import enum
import inspect
import json
import logging
import math
import os
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from bot.event.errors import EventError, NotFound
from bot.event.models import Actor
from bot.event.solving import (
    ProgressCallback,
    SolveProgress,
    SolverFailed,
    engine_worker,
    solve_in_process,
)
from bot.i18n import N_, NP_, Message
from bot.storage import Database, DatabaseUnavailable, Row, Tx, now_text, runs
from scheduler_core.evaluate import utility_of
from scheduler_core.models import Instance, Result

log = logging.getLogger(__name__)
#: How often a solving attempt writes its figures and reads the cancel flag.
PROGRESS_EVERY = 1.0
#: How often whoever waits for a run reads it.
WAIT_EVERY = 0.25
#: How long whoever waits for a run keeps reading through a database that cannot be reached
#: (a restart, a failover) before giving up.
OUTAGE_GRACE = 120.0
DEFAULT_ATTEMPTS = 3
#: How long an engine asked to stop may take to answer with its best timetable before its
#: process is ended (a phase of the engine that cannot be interrupted, say).
STOP_WAIT = 10.0
# Stored as the run's error in English, shown in the reader's language (`stored_error`).
STOPPED_BEFORE_START = str(N_("Stopped before it started: nothing was computed."))
STOPPED_UNANSWERED = str(N_("Stopped: the engine did not answer in time, so its process was "
                            "ended; nothing was stored."))
INTERRUPTED = str(N_("The bot stopped during the run; nothing was stored. Run it again."))
NO_RESULT = str(N_("The scheduler stopped without a result."))
NOT_QUEUED = str(N_("The run could not be queued; nothing was computed."))


def _failed(error: object) -> str:
    return str(N_("The scheduler failed: {error}", error=error))


def _tried(error: str, n: int) -> str:
    return str(NP_("{error} (tried {n} time; nothing was stored)",
                   "{error} (tried {n} times; nothing was stored)", n, error=error))


_TRIED = re.compile(r"(?P<error>.*) \(tried (?P<n>\d+) times?; nothing was stored\)", re.S)
_FAILED = re.compile(r"The scheduler failed: (?P<error>.*)", re.S)
_LOST = re.compile(r"The scheduler was interrupted (?P<n>\d+) times? \(the process solving it "
                   r"stopped\) and did not finish; nothing was stored\. Run it again\.")


def stored_error(error: str | None, default: str = NO_RESULT) -> Message:
    """A run's stored error (English, as `session-scheduler status` shows it) as a text to
    show in the reader's language: the sentences made here are read back into their
    messages; the engine's own words about its failure stay as they are."""
    text = error or default
    lost = _LOST.fullmatch(text)
    if lost:
        return _lost(int(lost["n"]))
    tried = _TRIED.fullmatch(text)
    inner = tried["error"] if tried else text
    failed = _FAILED.fullmatch(inner)
    found = N_("The scheduler failed: {error}", error=failed["error"]) if failed else Message(inner)
    if tried:
        n = int(tried["n"])
        return NP_("{error} (tried {n} time; nothing was stored)",
                   "{error} (tried {n} times; nothing was stored)", n, error=found)
    return found


def _lost(n: int) -> Message:
    return NP_("The scheduler was interrupted {n} time (the process solving it stopped) and did "
               "not finish; nothing was stored. Run it again.",
               "The scheduler was interrupted {n} times (the process solving it stopped) and "
               "did not finish; nothing was stored. Run it again.", n)
#: Why a queued run waits, as `wait_for_end` reports it: no solve worker is running.
NO_WORKER = "no solve worker"
#: How often whoever waits for a queued run asks the solver why it waits.
WHY_EVERY = 2.0


def process_name(kind: str) -> str:
    """Who solves, as runs and status show it: `kind` on this host and process."""
    return f"{kind} {socket.gethostname()}-{os.getpid()}"


class Outcome(enum.Enum):
    ENDED = "ended"  # stored, failed or cancelled: nothing more to do
    RETRY = "retry"  # the engine failed and the run went back to the queue for another attempt


class _Unanswered(Exception):
    """The engine did not answer a stop in time; its process was ended."""


@dataclass(frozen=True, slots=True)
class Claim:
    guild_id: int
    requested_by: int
    attempt: int
    options: dict[str, Any]
    instance: Instance


class Solver(abc.ABC):
    """Gets queued runs executed; what the rules hold, whichever engine the database is."""

    @abc.abstractmethod
    async def submit(self, run_id: int) -> None:
        """Hand a queued run over (returns once it is in good hands, not once it is solved)."""

    @abc.abstractmethod
    def is_alive(self, run: Row) -> bool:
        """Whether an active run is still seen to; one that is not no longer blocks its event."""

    @abc.abstractmethod
    async def cancelled(self, run: Row) -> None:
        """A queued run was cancelled before any attempt: forget it where it waits."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Stop what this process executes."""

    async def waiting_for(self) -> str | None:
        """Why a queued run cannot start now (`NO_WORKER`), or None: it starts when its turn
        comes."""
        return None


class LocalSolver(Solver):
    """SQLite, the embedded default: each run is executed by a task of this process, the engine
    in a child process, so the bot keeps answering. There is one bot per SQLite database, so an
    active run that no task of this process executes was left by a bot that stopped."""

    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time,
                 attempts: int = DEFAULT_ATTEMPTS, target: Callable[..., None] = engine_worker):
        self.db, self.clock, self.attempts, self.target = db, clock, attempts, target
        self.name = process_name("bot")
        self._live: dict[int, asyncio.Task[None]] = {}

    async def submit(self, run_id: int) -> None:
        task = asyncio.create_task(self._execute(run_id), name=f"solve run {run_id}")
        self._live[run_id] = task
        task.add_done_callback(lambda _t: self._live.pop(run_id, None))

    async def _execute(self, run_id: int) -> None:
        try:
            while await execute_run(self.db, run_id, clock=self.clock, attempts=self.attempts,
                                    target=self.target, interrupted="fail",
                                    worker=self.name) is Outcome.RETRY:
                pass
        except Exception as e:
            log.exception("solve run %s failed", run_id)
            # ended for whoever waits on it (else it would show as running until the next run)
            error = _failed(f"{type(e).__name__}: {e}")
            with contextlib.suppress(Exception):  # the database may be what failed
                await self.db.write(
                    lambda conn: runs.finish(conn, run_id, "failed", now_text(), error=error))

    def is_alive(self, run: Row) -> bool:
        return run["id"] in self._live

    async def cancelled(self, run: Row) -> None:
        return None  # its task finds it cancelled and ends

    async def close(self) -> None:
        tasks = list(self._live.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _guild_of(db: Database, run_id: int) -> int | None:
    row = await db.read(lambda conn: runs.get(conn, run_id))
    return None if row is None else row["guild_id"]


async def _claim(conn: Tx, run_id: int, attempts: int, worker: str) -> Claim | None:
    """Take the run under a new attempt; None when there is nothing to solve (it ended, was
    cancelled, or has used up its attempts, which ends it)."""
    row = await runs.get(conn, run_id)
    if row is None or row["status"] not in runs.ACTIVE:
        return None
    if row["cancel_requested"]:  # asked to stop while its last attempt was lost: no result
        await runs.finish(conn, run_id, "cancelled", now_text(), error=STOPPED_BEFORE_START)
        return None
    if row["attempts"] >= attempts:
        await runs.finish(conn, run_id, "failed", now_text(), error=_exhausted(row))
        return None
    instance_json = await runs.snapshot(conn, run_id)
    attempt = await runs.start_attempt(conn, run_id, now_text(), worker)
    return Claim(row["guild_id"], row["requested_by"], attempt,
                 json.loads(row["options_json"]), Instance.model_validate_json(instance_json))


def _exhausted(row: Row) -> str:
    n = row["attempts"]
    if row["status"] == "running":  # the last attempt's process stopped without a word
        return str(_lost(n))
    return _tried(row["error"] or str(N_("The scheduler failed.")), n)


async def execute_run(db: Database, run_id: int, *, clock: Callable[[], float] = time.time,
                      attempts: int = DEFAULT_ATTEMPTS,
                      target: Callable[..., None] = engine_worker,
                      interrupted: Literal["requeue", "fail"] = "requeue",
                      worker: str | None = None) -> Outcome:
    """One attempt at a run (see the module's docstring). When the caller is cancelled (its
    process is stopping), the engine is stopped and the run is handed back to the queue
    (`requeue`, not counted as an attempt) or failed (`fail`: nobody else would take it).
    `clock` places the freeze window when the result is stored; `worker` names who solves."""
    guild_id = await _guild_of(db, run_id)
    if guild_id is None:
        return Outcome.ENDED
    name = worker or process_name("solver")
    claim = await db.write(lambda conn: _claim(conn, run_id, attempts, name), guild=guild_id)
    if claim is None:
        return Outcome.ENDED
    attempt = claim.attempt
    try:
        result = await _solve(db, run_id, claim, target)
    except _Unanswered:
        await db.write(lambda conn: _end(conn, run_id, attempt, "cancelled", STOPPED_UNANSWERED),
                       guild=guild_id)
        return Outcome.ENDED
    except SolverFailed as e:
        error = _failed(e)
        if attempt < attempts:
            await db.write(lambda conn: runs.requeue(conn, run_id, attempt, error),
                           guild=guild_id)
            return Outcome.RETRY
        if attempt > 1:
            error = _tried(error, attempt)
        await db.write(lambda conn: _fail(conn, run_id, attempt, error), guild=guild_id)
        return Outcome.ENDED
    except asyncio.CancelledError:
        if interrupted == "requeue":
            await db.write(lambda conn: runs.requeue(conn, run_id, attempt, counted=False),
                           guild=guild_id)
        else:
            await db.write(lambda conn: _fail(conn, run_id, attempt, INTERRUPTED),
                           guild=guild_id)
        raise
    if result is None:
        return Outcome.ENDED
    try:
        await db.write(lambda conn: _store(conn, run_id, claim, result, clock), guild=guild_id)
    except EventError as e:  # the event went away meanwhile, say
        message = e.user_message
        await db.write(lambda conn: _fail(conn, run_id, attempt, message), guild=guild_id)
    return Outcome.ENDED


async def _solve(db: Database, run_id: int, claim: Claim,
                 target: Callable[..., None]) -> Result | None:
    """The engine's result for the claimed attempt, its figures written on the way; None when
    the attempt lost the run meanwhile (it ended, or a later attempt took it over)."""
    attempt, guild_id = claim.attempt, claim.guild_id
    stop, lost, unanswered = threading.Event(), asyncio.Event(), asyncio.Event()
    latest: list[SolveProgress] = []
    loop = asyncio.get_running_loop()
    options = {k: claim.options[k] for k in ("time_limit", "seed", "move_weight", "iterations")}
    solving = asyncio.create_task(solve_in_process(claim.instance, options, latest.append, stop,
                                                   target=target), name=f"run {run_id} engine")

    async def record(p: SolveProgress) -> Row | None:
        return await db.write(lambda conn: runs.record_progress(
            conn, run_id, attempt, p.utility, p.upper_bound, p.elapsed, now_text()),
            guild=guild_id)

    async def tick() -> None:
        written, asked = None, None
        while True:
            await asyncio.sleep(PROGRESS_EVERY)
            p = latest[-1] if latest else None
            try:
                if p is not None and p != written:
                    row, written = await record(p), p
                else:
                    row = await db.read(lambda conn: runs.owned(conn, run_id, attempt))
            except Exception:
                log.warning("run %s: could not record progress", run_id, exc_info=True)
                continue
            if row is None:  # nobody wants this attempt's result any more
                lost.set()
                stop.set()
                await asyncio.sleep(STOP_WAIT)
                solving.cancel()
                return
            if row["cancel_requested"]:
                stop.set()
                asked = asked or loop.time()
                if loop.time() - asked >= STOP_WAIT:
                    unanswered.set()
                    solving.cancel()  # ends the engine's process
                    return

    ticker = asyncio.create_task(tick(), name=f"run {run_id} progress")
    try:
        result = await solving
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # this attempt itself is cancelled
        if lost.is_set():
            return None
        if unanswered.is_set():
            raise _Unanswered() from None
        raise
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        if not solving.done():  # this attempt itself is cancelled: the engine goes too
            solving.cancel()
            with contextlib.suppress(asyncio.CancelledError, SolverFailed):
                await solving
    return None if lost.is_set() else result


async def _store(conn: Tx, run_id: int, claim: Claim, result: Result,
                 clock: Callable[[], float]) -> None:
    """Store the result as a version and mark the run done with it, in one transaction, only
    while this attempt owns the run: a run is stored at most once."""
    from bot.event.scheduling import store_run_result
    row = await runs.get(conn, run_id)
    if row is None or row["status"] != "running" or row["attempts"] != claim.attempt:
        return
    await runs.record_progress(conn, run_id, claim.attempt, result.utility,
                               result.upper_bound, result.solve_seconds, now_text())
    freeze = claim.options.get("freeze_minutes")
    # the freeze window as it is when the result is stored, which may be minutes later
    frozen_before = None if freeze is None else datetime.fromtimestamp(clock() + 60 * freeze, UTC)
    inst = claim.instance
    # what keeping the published timetable is worth for the same snapshot: the preview
    # says how much the moves buy (new utility minus this)
    kept = (None if inst.previous is None
            else utility_of(inst, [(p.session, p.slot) for p in inst.previous]))
    version_id = await store_run_result(conn, claim.guild_id,
                                        Actor(claim.requested_by, is_admin=True), result, inst,
                                        frozen_before, kept)
    await runs.finish(conn, run_id, "done", now_text(), version_id=version_id)


async def _fail(conn: Tx, run_id: int, attempt: int, error: str) -> None:
    await _end(conn, run_id, attempt, "failed", error)


async def _end(conn: Tx, run_id: int, attempt: int, status: str, error: str) -> None:
    row = await runs.get(conn, run_id)
    if row is not None and row["attempts"] == attempt:
        await runs.finish(conn, run_id, status, now_text(), error=error)


async def wait_for_end(db: Database, run_id: int, progress: ProgressCallback | None,
                       cancel: asyncio.Event | threading.Event | None,
                       ask_to_stop: Callable[[], Awaitable[Any]],
                       waiting: Callable[[str | None], Any] | None = None,
                       why: Callable[[], Awaitable[str | None]] | None = None) -> Row:
    """Read the run until it ends; report its figures as they change (also the final ones,
    however short the run), and ask it to stop once `cancel` is set. Its final row.
    While it is queued, `why` says every `WHY_EVERY` seconds why it waits (`NO_WORKER`, or
    None), and `waiting` hears each change of that. A database out of reach is read again
    until `OUTAGE_GRACE` has passed: the run goes on meanwhile, in a worker or here."""
    reported = None
    asked = False
    waits_for: str | None = None
    asked_why = -math.inf
    loop = asyncio.get_running_loop()
    lost_since: float | None = None
    while True:
        try:
            row = await db.read(lambda conn: runs.get(conn, run_id))
        except DatabaseUnavailable as e:
            lost_since = loop.time() if lost_since is None else lost_since
            if loop.time() - lost_since >= OUTAGE_GRACE:
                raise
            log.warning("run %s: reading it again: %s", run_id, e)
            await asyncio.sleep(WAIT_EVERY)
            continue
        lost_since = None
        if row is None:
            raise NotFound(N_("This run is gone: the event was replaced meanwhile."))
        if (row["status"] == "queued" and why is not None and waiting is not None
                and loop.time() - asked_why >= WHY_EVERY):
            asked_why = loop.time()
            reason = await why()
            if reason != waits_for:
                waits_for = reason
                outcome = waiting(reason)
                if inspect.isawaitable(outcome):
                    await outcome
        if row["utility"] is not None:
            figures = (row["utility"], row["upper_bound"], row["elapsed"])
            if figures != reported and progress is not None:
                reported = figures
                outcome = progress(SolveProgress(*figures))
                if inspect.isawaitable(outcome):
                    await outcome
        if row["status"] in runs.FINAL:
            return row
        if cancel is not None and cancel.is_set() and not asked:
            asked = True
            await ask_to_stop()
        await asyncio.sleep(WAIT_EVERY)

