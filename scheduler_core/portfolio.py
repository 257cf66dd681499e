"""A second solver in a process of its own, beside annealing in the caller's: two cores.

The second solver is set partitioning where a slot's contents can be listed, and otherwise a
second annealing chain from another seed: a chain's result varies from seed to seed, and the
better of two is worth more than one chain of twice the moves would be on one core.

Annealing is pure Python and set partitioning's pricing is numpy work in many small steps; on
two threads of one interpreter they would take turns, so the second solver runs in a child
interpreter (`python -m scheduler_core.portfolio`), started with `subprocess` because the
engine itself may run in a daemonic worker process, which multiprocessing forbids to have
children. The child reads its job as pickled data on stdin and writes pickled messages to
stdout: every better bound as it is proven, every better timetable's figures as found, then
the outcome. The caller polls them while annealing and kills the child when it no longer needs
it.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from scheduler_core.models import Instance, Method
from scheduler_core.outcome import Outcome

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


class Portfolio:
    """The parent's side: start, poll for bounds and the outcome, stop."""

    def __init__(self) -> None:
        self.bound: int | None = None
        self.found: tuple[int, int] | None = None  # the child's best (objective, utility)
        self.outcome: Outcome | None = None
        self.method: Method | None = None  # what the child runs
        self._messages: queue.Queue = queue.Queue()
        self._proc: subprocess.Popen | None = None
        self._closed = False

    def partition(self, instance: Instance, placement: list[int], bound_by: float,
                  deadline: float, prove: bool) -> None:
        """Set partitioning from this placement. `bound_by` and `deadline` are
        `time.monotonic()` instants (one clock for every process of the machine)."""
        self.method = "set partitioning"
        self._start(("partition", instance.model_dump(mode="json"), placement, bound_by,
                     deadline, prove))

    def anneal(self, instance: Instance, placement: list[int], deadline: float, seed: int,
               weight: int, bound: int) -> None:
        """Annealing from this placement with its own seed until `deadline`; `bound` ends it
        early when reached (weight 0 only) and is the outcome's bound."""
        self.method = "annealing"
        self._start(("anneal", instance.model_dump(mode="json"), placement, deadline, seed,
                     weight, bound))

    def _start(self, job_data: tuple) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [_PACKAGE_ROOT, *filter(None, [env.get("PYTHONPATH")])])
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "scheduler_core.portfolio"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, env=env)
        except OSError:  # no process to be had (a limit reached): the caller's chain alone
            self._closed = True
            return
        job = pickle.dumps(job_data)
        # The pipe holds less than a big instance: the child takes it once it has started,
        # which the caller, annealing meanwhile, must not wait for.
        threading.Thread(target=self._talk, args=(self._proc, job),
                         name="set-partitioning-pipe", daemon=True).start()

    def _talk(self, proc: subprocess.Popen, job: bytes) -> None:
        """The pipes' one reader and closer (closing one under a read breaks the read)."""
        try:
            proc.stdin.write(job)
            proc.stdin.close()
            while True:
                self._messages.put(pickle.load(proc.stdout))
        except (EOFError, OSError, pickle.UnpicklingError):  # ended, or stopped
            self._messages.put(("closed", None))
        finally:
            proc.stdout.close()

    def poll(self) -> bool:
        """Take what the child sent; True when a new bound arrived."""
        better = False
        while True:
            try:
                kind, value = self._messages.get_nowait()
            except queue.Empty:
                return better
            if kind == "bound" and (self.bound is None or value < self.bound):
                self.bound, better = value, True
            elif kind == "found":
                self.found = value
            elif kind == "done":
                self.outcome = value
                if self.bound is None or value.bound < self.bound:
                    self.bound, better = value.bound, True
            elif kind == "closed":
                self._closed = True

    @property
    def running(self) -> bool:
        return self._proc is not None and self.outcome is None and not self._closed

    def finished_optimal(self) -> bool:
        return self.outcome is not None and self.outcome.optimal

    def finish(self, until: float) -> Outcome | None:
        """Wait for the outcome until `until` (a monotonic instant), then stop the child."""
        while self.running and time.monotonic() < until:
            try:
                item = self._messages.get(timeout=max(0.0, min(0.05, until - time.monotonic())))
            except queue.Empty:
                continue
            self._messages.put(item)
            self.poll()
        self.poll()
        self.stop()
        return self.outcome

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait()  # its pipe then ends: the reading thread closes it


def _end_with_parent(parent: int) -> None:
    """A solve stopped by killing its process must not leave this one working: once the
    parent is gone (this process is handed to another), end at once."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(0)


def _child() -> None:
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    kind, data, *job = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer

    def send(kind: str, value) -> None:
        pickle.dump((kind, value), out)
        out.flush()

    instance = Instance.model_validate(data)
    send("done", (_partition if kind == "partition" else _anneal)(instance, *job, send=send))


def _partition(instance: Instance, placement: list[int], bound_by: float, deadline: float,
               prove: bool, send) -> Outcome:
    from scheduler_core.partition import SetPartitioning
    from scheduler_core.problem import compile_problem
    from scheduler_core.state import Timetable

    problem = compile_problem(instance)
    partition = SetPartitioning(problem)
    start = Timetable.from_placement(problem, placement)
    converged = partition.bound(start, bound_by, lambda b: send("bound", b))
    if prove and converged and not partition.outcome.optimal:
        partition.prove(deadline)
    return partition.outcome


def _anneal(instance: Instance, placement: list[int], deadline: float, seed: int, weight: int,
            bound: int, send) -> Outcome:
    import random

    from scheduler_core.problem import compile_problem
    from scheduler_core.search import Annealer, Budget, penalty
    from scheduler_core.state import Timetable

    problem = compile_problem(instance)
    start = Timetable.from_placement(problem, placement)
    sent = [0.0]

    def found(objective: int, _placement: list[int]) -> None:
        now = time.monotonic()
        if now - sent[0] >= 0.2:  # the caller shows progress a few times a second at most
            sent[0] = now
            send("found", (objective, annealer.tt.utility))

    annealer = Annealer(problem, start, random.Random(seed), weight, on_improve=found,
                        target=bound if weight == 0 else None)
    before = annealer.best
    annealer.run(Budget(deadline=deadline))
    utility = annealer.best + sum(penalty(problem, s, t, weight)  # the objective's converse
                                  for s, t in enumerate(annealer.best_placement))
    send("found", (annealer.best, utility))
    return Outcome(bound=bound, placement=annealer.best_placement if annealer.best > before
                   else None, utility=utility, optimal=weight == 0 and utility >= bound)


if __name__ == "__main__":
    _child()
