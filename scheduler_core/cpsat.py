"""The one way the engine runs CP-SAT: every model gets these parameters, and stops on cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ortools.sat.python import cp_model

CANCEL_POLL_SECONDS = 0.05


def configure(solver: cp_model.CpSolver, seconds: float, workers: int) -> None:
    """The parameters every CP-SAT model of the engine runs with.

    With one or two workers CP-SAT does not use its strong LP relaxation unless asked:
    linearization level 2 is what makes it prove these models.
    """
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = 0
    solver.parameters.catch_sigint_signal = False  # the caller owns Ctrl-C (cancel event)


def solve(solver: cp_model.CpSolver, model: cp_model.CpModel,
          cancelled: Callable[[], bool] | None = None):
    """`solver.solve(model)`, stopped as soon as `cancelled()` turns true.

    A solve can last most of a run's time without finding a solution (so a solution callback
    may never be called): a thread polls `cancelled` and asks CP-SAT to stop (`stop_search`),
    again at every poll, since a request made before the search has begun may be lost.
    """
    if cancelled is None:
        return solver.solve(model)
    done = threading.Event()

    def watch() -> None:
        while not done.wait(CANCEL_POLL_SECONDS):
            if cancelled():
                solver.stop_search()

    watcher = threading.Thread(target=watch, name="cp-sat-cancel", daemon=True)
    watcher.start()
    try:
        return solver.solve(model)
    finally:
        done.set()
        watcher.join()
