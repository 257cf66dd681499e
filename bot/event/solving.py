"""Running the engine in a child process, so the process that asked keeps answering while it
solves (the bot, or a solve worker whose job queue wants heartbeats meanwhile).

The engine (`scheduler_core.engine.solve`) is synchronous and CPU-bound; a thread would hold
the GIL for seconds. The child gets the instance as JSON, sends progress and the result back
through a queue, and watches a process-safe Event for cancellation. It belongs to the process
that started it: it ignores SIGINT and SIGTERM (that process decides when it stops, and may
hand its run back) and exits when that process is gone, so a killed worker leaves no engine
running on.
"""

from __future__ import annotations

import asyncio
import inspect
import multiprocessing as mp
import multiprocessing.connection
import os
import queue
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler_core.models import Instance, Result

PROGRESS_POLL_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class SolveProgress:
    utility: int
    upper_bound: int
    elapsed: float


class SolverFailed(RuntimeError):
    """The engine's process raised or died; the message says why."""


def follow_parent() -> None:
    """In a child process: ignore the signals that stop its parent, and exit as soon as the
    parent is gone (nobody is left to read the result)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def engine_worker(instance_json: str, options: dict[str, Any], out: Any, cancel: Any) -> None:
    """Entry point of the engine's process (top-level so that the child can import it)."""
    follow_parent()
    try:
        from scheduler_core.engine import SolveOptions, solve

        inst = Instance.model_validate_json(instance_json)

        def report(p: Any) -> None:
            out.put(("progress", (int(p.utility), int(p.upper_bound), float(p.elapsed))))

        result = solve(inst, SolveOptions(**options), progress=report, cancel=cancel)
        out.put(("result", result.model_dump_json()))
    except BaseException as e:  # reported to the parent, which raises SolverFailed
        out.put(("error", f"{type(e).__name__}: {e}"))


ProgressCallback = Callable[[SolveProgress], Any]


def _context() -> Any:
    """`forkserver` where available: the engine's imports (OR-Tools) are paid once, not per run;
    never plain `fork`, which would copy the database threads' locks into the child."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["scheduler_core.engine", "bot.event.solving"])
        return ctx
    return mp.get_context("spawn")


async def solve_in_process(instance: Instance, options: dict[str, Any],
                           progress: ProgressCallback | None = None,
                           cancel: asyncio.Event | threading.Event | None = None,
                           target: Callable[..., None] = engine_worker) -> Result:
    """Solve in a fresh child process; `cancel.set()` asks the engine to stop early."""
    ctx = _context()
    out = ctx.Queue()
    stop = ctx.Event()
    proc = ctx.Process(target=target, args=(instance.model_dump_json(), options, out, stop),
                       daemon=True, name="session-scheduler-solve")
    proc.start()
    try:
        while True:
            if cancel is not None and cancel.is_set():
                stop.set()
            try:
                kind, payload = await asyncio.to_thread(out.get, True, PROGRESS_POLL_SECONDS)
            except queue.Empty:
                if not proc.is_alive():
                    try:
                        kind, payload = out.get(timeout=PROGRESS_POLL_SECONDS)
                    except queue.Empty:
                        raise SolverFailed(f"the solver process stopped unexpectedly "
                                           f"(exit code {proc.exitcode})") from None
                else:
                    continue
            if kind == "progress":
                if progress is not None:
                    outcome = progress(SolveProgress(*payload))
                    if inspect.isawaitable(outcome):
                        await outcome
            elif kind == "result":
                return Result.model_validate_json(payload)
            else:
                raise SolverFailed(payload)
    finally:
        stop.set()
        await asyncio.to_thread(proc.join, 5)
        if proc.is_alive():
            proc.kill()
            await asyncio.to_thread(proc.join, 5)
        out.close()
