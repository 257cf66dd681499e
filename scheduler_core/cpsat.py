"""The one way the engine runs CP-SAT: every model gets these parameters."""

from __future__ import annotations

from ortools.sat.python import cp_model


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
