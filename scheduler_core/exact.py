"""Whole-instance CP-SAT solve for small instances, to prove a timetable optimal."""

from __future__ import annotations

from scheduler_core.problem import Problem
from scheduler_core.state import Timetable
from scheduler_core.subproblem import reseat

MAX_ATTENDANCE_VARIABLES = 4000


def small_enough(problem: Problem) -> bool:
    size = sum(len(r) * len(a) for r, a in zip(problem.raters, problem.allowed, strict=True))
    return size <= MAX_ATTENDANCE_VARIABLES


def solve_exact(problem: Problem, tt: Timetable,
                time_limit: float) -> tuple[Timetable, int, bool] | None:
    """(timetable, proven bound, optimal?) from a full model hinted with `tt`, or None."""
    sessions = [s for s in range(problem.n_sessions) if problem.movable(s)]
    slots = [t for t in range(problem.n_slots) if problem.capacity[t] > 0]
    if not sessions or not slots:
        return tt, tt.utility, True
    fixed_part = Timetable(problem).utility
    sub = reseat(problem, tt, slots, sessions, set(sessions), 0, time_limit, workers=2)
    if sub is None:
        return None
    better = tt
    if sub.objective > sub.current:
        better = Timetable.from_placement(problem, [
            sub.slot_of.get(s, problem.fixed_slot[s]) for s in range(problem.n_sessions)])
    return better, fixed_part + int(sub.bound + 1e-6), sub.optimal
