"""Large-neighbourhood search: re-seat the sessions of two slots exactly with CP-SAT.

Annealing moves one or two sessions at a time; this step finds the best of every possible
exchange between two slots at once (chains of swaps, three-for-three trades, proposer clashes
resolved together). A pair already solved to optimality is not tried again until one of its
slots changes. Three slots at a time was measured: CP-SAT rarely proves those optimal within
seconds on conference-sized slots, so the time goes to annealing instead.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from scheduler_core.problem import UNPLACED, Problem
from scheduler_core.state import Timetable
from scheduler_core.subproblem import reseat

SUBPROBLEM_SECONDS = 2.0


def improve(problem: Problem, tt: Timetable, weight: int, rng: random.Random,
            deadline: float | None, cancelled: Callable[[], bool], rounds: int | None = None,
            on_improve: Callable[[Timetable], None] | None = None) -> Timetable:
    """Improve `tt` in place until the deadline (or `rounds` passes over all slot pairs)."""
    n_t = problem.n_slots
    open_slots = [t for t in range(n_t) if problem.capacity[t] > 0]
    if len(open_slots) < 2:
        return tt
    version = [0] * n_t
    solved: dict[tuple[int, ...], tuple[int, ...]] = {}
    passes = 0
    while rounds is None or passes < rounds:
        passes += 1
        pairs = [(a, b) for i, a in enumerate(open_slots) for b in open_slots[i + 1:]]
        rng.shuffle(pairs)
        fresh = 0
        for pair in pairs:
            if cancelled() or (deadline is not None and time.monotonic() >= deadline):
                return tt
            stamp = tuple(version[t] for t in pair)
            if solved.get(pair) == stamp:
                continue
            fresh += 1
            slots = list(pair)
            sessions = [s for t in slots for s in tt.members[t] if problem.movable(s)]
            outside = [s for s in range(problem.n_sessions) if tt.slot_of[s] == UNPLACED
                       and problem.movable(s) and any(t in problem.allowed[s] for t in slots)]
            limit = SUBPROBLEM_SECONDS
            if deadline is not None:
                limit = min(limit, deadline - time.monotonic())
            if limit <= 0.05:
                return tt
            sub = reseat(problem, tt, slots, sessions + outside, set(outside), weight, limit)
            if sub is None:
                continue
            if sub.objective > sub.current:
                for s in sessions + outside:
                    if tt.slot_of[s] != UNPLACED:
                        tt.remove(s)
                for s, t in sub.slot_of.items():
                    if t != UNPLACED:
                        tt.place(s, t)
                for t in slots:
                    version[t] += 1
                if on_improve:
                    on_improve(tt)
            if sub.optimal:
                solved[pair] = tuple(version[t] for t in pair)
        if fresh == 0:
            break
    return tt
