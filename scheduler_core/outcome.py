"""What a solver run beside the caller's (`portfolio`) established.

Its own module so that the annealing child process need not import set partitioning's solvers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Outcome:
    """`placement` is None when the run found nothing better than its start; `bound` is what
    the run proved (or was given), `optimal` that its placement reaches it."""

    bound: int
    placement: list[int] | None = None
    utility: int = 0
    optimal: bool = False
